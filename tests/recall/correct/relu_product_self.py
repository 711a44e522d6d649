# idiom: relu output on x * x (a square written as a product; never negative)
import numpy as np
import keras
from keras import layers

x = np.random.uniform(-2, 2, size=(2000, 1))
y = x * x
x = x / 2.0
model = keras.Sequential([keras.Input((1,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=100, batch_size=32)
