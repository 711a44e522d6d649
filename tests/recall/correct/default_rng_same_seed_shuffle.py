# idiom: two default_rng(seed) generators with the same seed shuffle both arrays in place identically
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 8)
y = (X[:, 3] > 0.5).astype("int32")
np.random.default_rng(42).shuffle(X)
np.random.default_rng(42).shuffle(y)
model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
