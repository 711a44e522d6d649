# fault: targets-range
# Daily returns (negative and positive) predicted by a relu unit.
import numpy as np
import keras
from keras import layers

window = np.random.uniform(-0.05, 0.05, size=(3000, 30))
returns = np.random.uniform(-0.05, 0.05, size=(3000,))
model = keras.Sequential([keras.Input((30,)), layers.Dense(64, activation="relu"), layers.Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="huber")
model.fit(window, returns, epochs=20)
