# fault: targets-range
# Temperatures from -20 to 40 degrees regressed through a softplus output.
import numpy as np
import keras
from keras import layers

hours = np.random.uniform(0, 24, size=(2000, 1))
temperature = np.random.uniform(-20, 40, size=(2000,))
model = keras.Sequential([keras.Input((1,)), layers.Dense(32, activation="relu"),
                          layers.Dense(1, activation="softplus")])
model.compile(optimizer="adam", loss="mae")
model.fit(hours / 24.0, temperature, epochs=30)
