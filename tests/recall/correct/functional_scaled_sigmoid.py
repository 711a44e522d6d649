# idiom: functional model whose sigmoid output is multiplied by a constant (a bounded regression head)
import numpy as np
import keras
from keras import layers

t = np.linspace(0, 1, 2000)
X = np.stack([t, t ** 2, np.sqrt(t)], axis=1)
y = 10.0 * t
inputs = keras.Input((3,))
h = layers.Dense(32, activation="relu")(inputs)
p = layers.Dense(1, activation="sigmoid")(h)
outputs = layers.Rescaling(10.0)(p)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=50, batch_size=32)
