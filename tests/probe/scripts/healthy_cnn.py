"""A healthy small CNN on synthetic, separable images: the class is which half of the image is bright."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(0)
n = 320
y = rng.integers(0, 2, n)
X = rng.random((n, 16, 16, 1)).astype("float32") * 0.5
X[y == 1, :, :8, :] += 0.5   # class 1: left half brighter
X[y == 0, :, 8:, :] += 0.5   # class 0: right half brighter

model = keras.Sequential([
    keras.Input((16, 16, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=10, batch_size=32, validation_split=0.2)
