# idiom: two RandomState(seed) with the same seed shuffle inputs and labels identically
import numpy as np
import keras
from keras import layers

seed = 1234
X = np.random.rand(1000, 12)
y = (X.mean(axis=1) > 0.5).astype("int32")
np.random.RandomState(seed).shuffle(X)
np.random.RandomState(seed).shuffle(y)
model = keras.Sequential([keras.Input((12,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
