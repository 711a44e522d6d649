"""A working regression whose only fault is metrics=["accuracy"]: a metrics finding, not applicable to training."""
# probe-truth: correct
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 5)).astype("float32")
y = (2 * x[:, 0] - x[:, 1] + 0.1 * rng.normal(size=600)).astype("float32")
model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32)
