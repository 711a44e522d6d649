# idiom: the unison_shuffled_copies helper (one permutation, returned for both arrays)
import numpy as np
import keras
from keras import layers


def unison_shuffled_copies(a, b):
    assert len(a) == len(b)
    p = np.random.permutation(len(a))
    return a[p], b[p]


X = np.random.rand(1000, 10)
y = (X[:, 0] > 0.5).astype("int32")
X, y = unison_shuffled_copies(X, y)
model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
