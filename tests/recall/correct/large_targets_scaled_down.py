# idiom: large targets divided by their scale (y / 1e5) before SGD with mse
import numpy as np
import keras
from keras import layers
from sklearn.datasets import fetch_california_housing

X, y = fetch_california_housing(return_X_y=True)
X = (X - X.mean(axis=0)) / X.std(axis=0)
prices = y * 100000.0
y = prices / 100000.0
model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"), layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(X, y, epochs=50, batch_size=32)
