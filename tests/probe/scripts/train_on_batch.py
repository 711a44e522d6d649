"""Trains with train_on_batch (no fit)."""
import numpy as np
from tensorflow import keras

X = np.random.rand(64, 4).astype("float32")
y = (X[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
for epoch in range(1000000):
    model.train_on_batch(X, y)
