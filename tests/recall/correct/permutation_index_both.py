# idiom: one np.random.permutation index applied to inputs and labels
import numpy as np
import keras
from keras import layers

x = np.random.rand(800, 10)
y = (x[:, 0] > x[:, 1]).astype("int32")
idx = np.random.permutation(len(y))
x = x[idx]
y = y[idx]
model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32)
