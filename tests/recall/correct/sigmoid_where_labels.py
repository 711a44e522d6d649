# idiom: binary labels with np.where on a signed range, sigmoid + binary crossentropy
import numpy as np
import keras
from keras import layers

t = np.linspace(-10, 10, 4000)
X = np.stack([t / 10.0, np.sin(t)], axis=1)
y = np.where(t > 0, 1, 0)
model = keras.Sequential([keras.Input((2,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
