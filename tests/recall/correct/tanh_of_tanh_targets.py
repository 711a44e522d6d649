# idiom: tanh output on targets produced by np.tanh / np.clip to [-1, 1]
import numpy as np
import keras
from keras import layers

x = np.linspace(-3, 3, 2000).reshape(-1, 1)
y = np.tanh(2.0 * x)
y2 = np.clip(x, -1, 1)
x = x / 3.0
model = keras.Sequential([keras.Input((1,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="tanh")])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=50, batch_size=32)
model.fit(x, y2, epochs=50, batch_size=32)
