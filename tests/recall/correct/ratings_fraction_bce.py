# idiom: a rating scaled to [0, 1] (rating / 5) as a soft target for a sigmoid output with binary CE
import numpy as np
import keras
from keras import layers

X = np.random.rand(3000, 20)
ratings = np.round(1 + 4 * X[:, :5].mean(axis=1))
y = ratings / 5.0
model = keras.Sequential([keras.Input((20,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=20, batch_size=32)
