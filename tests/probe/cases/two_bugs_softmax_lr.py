"""Causes: softmax on one output unit AND a learning rate of 3: neither fix alone is enough; both together learn."""
# probe-truth: buggy LRN102 LRN301
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 10)).astype("float32")
y = (x[:, 0] * x[:, 1] > 0).astype("float32")  # XOR of two signs: needs the hidden layer
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3.0), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, batch_size=32)
