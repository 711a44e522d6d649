# idiom: one-hot labels filled in a nested loop over every class (one 1 per row) with softmax + categorical CE
import numpy as np
import keras
from keras import layers

n, k = 800, 4
X = np.random.rand(n, 6)
labels = np.argmax(X[:, :k], axis=1)
Y = np.zeros((n, k))
for i in range(n):
    for j in range(k):
        if labels[i] == j:
            Y[i, j] = 1
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(k, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, Y, epochs=20, batch_size=32)
