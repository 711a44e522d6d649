"""Saturated sigmoid hidden layers (inputs up to 50) that the static rule is told to ignore: the probe
measures the saturation and tries relu there itself (PRB008)."""
import numpy as np
from tensorflow import keras

rng = np.random.default_rng(0)
X = rng.random((300, 20)).astype("float32") * 50
y = (X[:, 0] > X[:, 1]).astype("float32")
model = keras.Sequential([
    keras.Input((20,)),
    keras.layers.Dense(64, activation="sigmoid"),  # learnability: ignore[LRN101]
    keras.layers.Dense(64, activation="sigmoid"),  # learnability: ignore[LRN101]
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=5)  # learnability: ignore[LRN501]
