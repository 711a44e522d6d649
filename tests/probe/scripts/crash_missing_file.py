"""Crashes before fit: the data file is missing."""
import numpy as np
from tensorflow import keras

X = np.load("no_such_training_data.npy")
y = np.zeros(len(X))
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=3)
