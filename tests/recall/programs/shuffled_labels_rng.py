# fault: shuffled-labels
# A generator shuffles the targets in place.
import numpy as np
from tensorflow import keras

rng = np.random.default_rng(42)
X = rng.normal(size=(1200, 6))
y = X @ np.array([1.0, -2.0, 0.5, 0.0, 3.0, 1.0])
rng.shuffle(y)
model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(6,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=30)
