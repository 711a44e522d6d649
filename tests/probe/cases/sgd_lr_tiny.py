"""Cause: SGD at 1e-5 on a deep sigmoid network: nothing static flags it; a standard repair makes it learn."""
# probe-truth: buggy PRB018 PRB007
import numpy as np
import keras

rng = np.random.default_rng(0)
y = rng.integers(0, 2, 600)
x = (rng.normal(size=(600, 10)) + (2 * y[:, None] - 1) * 1.0).astype("float32")
rate = 1e-5
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=rate), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=30, batch_size=32)
