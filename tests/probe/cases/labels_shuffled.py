"""Cause: the labels were shuffled on their own: they carry no information about the inputs."""
# probe-truth: buggy PRB004
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 20)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("float32")
y = rng.permutation(y)
model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, batch_size=32, validation_split=0.3)
