"""Cause: binary crossentropy on labels 0/1/2 (three classes into one sigmoid unit): the loss goes negative."""
# probe-truth: buggy PRB011 LRN604
import numpy as np
import keras

rng = np.random.default_rng(0)
y = rng.integers(0, 3, 600)
x = (rng.normal(size=(600, 8)) + y[:, None] * 1.5).astype("float32")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, batch_size=32, validation_split=0.2)
