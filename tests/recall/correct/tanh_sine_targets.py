# idiom: tanh output on targets already in [-1, 1] (np.sin of a linspace)
import numpy as np
import keras
from keras import layers

x = np.linspace(-np.pi, np.pi, 2000).reshape(-1, 1)
y = np.sin(x)
model = keras.Sequential([keras.Input((1,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1, activation="tanh")])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=100, batch_size=32)
