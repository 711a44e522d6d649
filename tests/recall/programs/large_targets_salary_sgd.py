# fault: large-targets
# Salaries built from years of experience, fitted with "sgd" (rate 0.01) and mean squared error.
import numpy as np
from tensorflow import keras

years = np.linspace(0, 40, 400).reshape(-1, 1)
salary = 30000 + 1500 * years
model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mean_squared_error")
model.fit(years / 40.0, salary, epochs=50)
