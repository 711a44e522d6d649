"""Cause: a sigmoid output on regression targets between 3 and 103."""
# probe-truth: buggy PRB016
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 5)).astype("float32")
y = (53 + 15 * x[:, 0] - 10 * x[:, 1]).clip(3, 103).astype("float32")
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=20, batch_size=32)
