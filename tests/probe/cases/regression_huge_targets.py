"""Cause: regression targets around 1e8 (house prices in cents): the loss sits at 1e15."""
# probe-truth: buggy PRB016
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 5)).astype("float32")
y = (3e8 + 1e8 * x[:, 0] + 5e7 * x[:, 2]).astype("float32")
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=20, batch_size=32)
