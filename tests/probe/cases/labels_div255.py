"""Cause: the labels were divided by 255 along with the images: every class becomes 0."""
# probe-truth: buggy PRB014
import numpy as np
import keras

rng = np.random.default_rng(0)
y = rng.integers(0, 10, 800)
x = rng.integers(0, 60, (800, 16)).astype("float32")
x[np.arange(800), y] = 255.0  # the class is visible in the inputs
x, y = x / 255.0, y / 255.0
model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, batch_size=32)
