# idiom: synthetic data: labels shuffled first, inputs then generated from each label (pairing kept)
import numpy as np
import keras
from keras import layers

y = np.repeat(np.arange(3), 300)
np.random.shuffle(y)
centers = np.array([[0.0, 0.0], [3.0, 3.0], [-3.0, 3.0]])
X = np.random.randn(900, 2) + centers[y]
X = X / 5.0
model = keras.Sequential([keras.Input((2,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=30, batch_size=32, validation_split=0.2)
