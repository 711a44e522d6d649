# idiom: one-hot labels built by hand (zeros + fancy indexing, np.eye) with softmax + categorical CE
import numpy as np
import keras
from keras import layers

n, k = 1500, 4
X = np.random.rand(n, 8)
labels = np.argmax(X[:, :k], axis=1)
Y = np.zeros((n, k))
Y[np.arange(n), labels] = 1
Y2 = np.eye(k)[labels]
model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"), layers.Dense(k, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, Y, epochs=20, batch_size=32)
model.fit(X, Y2, epochs=20, batch_size=32)
