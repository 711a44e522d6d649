# fault: unscaled-inputs
# Years as raw inputs built from range().
import numpy as np
import keras
from keras import layers

years = np.array(list(range(1900, 2020)), dtype="float32")
population = np.log(np.arange(120) + 1.0)
model = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(years, population, epochs=200)
