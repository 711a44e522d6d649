# idiom: sigmoid output on targets in [0, 1] (np.random.rand)
import numpy as np
import keras
from keras import layers

X = np.random.rand(2000, 4)
y = np.random.rand(2000)
model = keras.Sequential([keras.Input((4,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=30, batch_size=64)
