# idiom: a list of (features, label) pairs shuffled, then split with comprehensions
import random
import numpy as np
import keras
from keras import layers

raw = np.random.rand(1000, 8)
data = [(row, int(row.sum() > 4)) for row in raw]
random.shuffle(data)
X = np.array([d[0] for d in data])
y = np.array([d[1] for d in data])
model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
