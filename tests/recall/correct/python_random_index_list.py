# idiom: a Python list of indices shuffled with random.shuffle, then used to index inputs and labels
import random
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 6)
y = (X[:, 2] > 0.5).astype("int32")
indices = list(range(len(X)))
random.shuffle(indices)
X = X[indices]
y = y[indices]
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
