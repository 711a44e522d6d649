"""Cause: multi-hot labels (several tags per sample) trained through softmax + categorical crossentropy."""
# probe-truth: buggy PRB015
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 12)).astype("float32")
y = (x[:, :6] > 0.3).astype("float32")  # each of 6 tags on or off: often several 1s per row
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(6, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=10, batch_size=32)
