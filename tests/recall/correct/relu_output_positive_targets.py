# idiom: relu output on targets that are never negative (counts / prices)
import numpy as np
import keras
from keras import layers

X = np.random.rand(1500, 6)
y = np.random.poisson(3.0, size=1500).astype("float32")
model = keras.Sequential([keras.Input((6,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=30, batch_size=32)
