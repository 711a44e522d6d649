# idiom: binary labels from thresholding a signed quantity ((t > 0).astype), sigmoid + binary CE
import numpy as np
import keras
from keras import layers

x = np.random.uniform(-1, 1, size=(2000, 2))
t = np.linspace(-5, 5, 2000)
y = (x[:, 0] * x[:, 1] > 0).astype("float32")
z = (t > 0).astype("float32")
model = keras.Sequential([keras.Input((2,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, z, epochs=20, batch_size=32)
