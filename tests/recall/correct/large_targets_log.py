# idiom: large targets log-transformed before training with SGD
import numpy as np
import keras
from keras import layers
from sklearn.datasets import fetch_california_housing

X, y = fetch_california_housing(return_X_y=True)
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = np.log1p(y * 100000.0)
model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
model.fit(X, y, epochs=50, batch_size=32, validation_split=0.2)
