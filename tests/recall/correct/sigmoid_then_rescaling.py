# idiom: a bounded output scaled to the target range (sigmoid then Rescaling(100)) for targets in [0, 100]
import numpy as np
import keras
from keras import layers

t = np.linspace(0, 1, 2000)
X = np.stack([t, t ** 2, np.sin(t), np.cos(t), np.sqrt(t)], axis=1)
y = 100.0 * t
model = keras.Sequential([
    keras.Input((5,)),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
    layers.Rescaling(100.0),
])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=50, batch_size=32)
