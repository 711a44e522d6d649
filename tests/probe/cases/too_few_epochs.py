"""Cause: one epoch of plain SGD at a small rate stops it long before it learns."""
# probe-truth: buggy PRB017 LRN901
import numpy as np
import keras

rng = np.random.default_rng(0)
y = rng.integers(0, 2, 400)
x = (rng.normal(size=(400, 10)) + (2 * y[:, None] - 1) * 0.8).astype("float32")
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=1, batch_size=128)
