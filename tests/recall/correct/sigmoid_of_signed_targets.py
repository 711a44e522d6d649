# idiom: targets squashed through a logistic function (1 / (1 + exp(-t))) into (0, 1), sigmoid output
import numpy as np
import keras
from keras import layers

x = np.random.rand(3000, 2)
t = np.linspace(-6, 6, 3000)
y = 1.0 / (1.0 + np.exp(-t))
model = keras.Sequential([keras.Input((2,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, epochs=20, batch_size=32)
