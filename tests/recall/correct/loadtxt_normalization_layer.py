# idiom: columns read with np.loadtxt and normalised by a Normalization layer adapted to them
import numpy as np
import keras
from keras import layers

data = np.loadtxt("pima-indians-diabetes.csv", delimiter=",")
X, y = data[:, :8], data[:, 8]
norm = layers.Normalization()
norm.adapt(X)
model = keras.Sequential([keras.Input((8,)), norm, layers.Dense(12, activation="relu"),
                          layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=100, batch_size=16)
