# fault: targets-range
# A regression on y = sin(x) in [-1, 1] with a relu output: the negative half is never reached.
import numpy as np
from tensorflow import keras

x = np.linspace(-np.pi, np.pi, 1000).reshape(-1, 1)
y = np.sin(x)
model = keras.Sequential([
    keras.layers.Dense(64, activation="relu", input_shape=(1,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(1, activation="relu"),
])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=200, batch_size=32)
