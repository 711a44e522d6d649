"""Keras 2 through tf_keras (TF_USE_LEGACY_KERAS=1): the healthy CNN of healthy_cnn.py, trained with Adam at 1.0."""
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(0)
n = 320
y = rng.integers(0, 2, n)
X = rng.random((n, 16, 16, 1)).astype("float32") * 0.5
X[y == 1, :, :8, :] += 0.5
X[y == 0, :, 8:, :] += 0.5

model = keras.Sequential([
    keras.Input((16, 16, 1)),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1.0), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=3, batch_size=32, validation_split=0.2)
