# idiom: one-hot labels built in a loop (one 1 per row) with softmax + categorical CE
import numpy as np
import keras
from keras import layers

X = np.random.rand(600, 5)
labels = np.argmax(X[:, :3], axis=1)
Y = np.zeros((len(labels), 3))
for i, c in enumerate(labels):
    Y[i, c] = 1.0
model = keras.Sequential([keras.Input((5,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, Y, epochs=30, batch_size=16)
