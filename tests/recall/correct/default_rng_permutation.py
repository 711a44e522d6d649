# idiom: rng = np.random.default_rng(0); idx = rng.permutation(n) applied to both arrays
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
n = 1200
features = rng.random((n, 6))
labels = (features[:, 0] + features[:, 1] > 1).astype("float32")
idx = rng.permutation(n)
features, labels = features[idx], labels[idx]
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=30, batch_size=32)
