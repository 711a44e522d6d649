"""Cause: the article's second example on synthetic data: Adam at 0.1 kills the ReLUs; training accuracy at chance."""
# probe-truth: buggy LRN301 PRB003 PRB007 PRB018
import numpy as np
import keras

rng = np.random.default_rng(0)
y = rng.integers(0, 2, 400)
x = (rng.random((400, 16, 16, 3)) + y[:, None, None, None] * 0.05).astype("float32")
model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(16, 3, activation="relu"),
                          keras.layers.MaxPooling2D(), keras.layers.Flatten(),
                          keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=5, batch_size=32)
