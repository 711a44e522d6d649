# fault: held-out
# (written before running the checker) Standardised by hand into a new name, then the raw array is split.
import numpy as np
from sklearn.model_selection import train_test_split
from tensorflow import keras

data = np.loadtxt("energy.csv", delimiter=",", skiprows=1)
X, y = data[:, :8], data[:, 8]
X_norm = (X - X.mean(axis=0)) / X.std(axis=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25)
model = keras.Sequential([keras.layers.Dense(64, activation="relu", input_shape=(8,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=200, validation_data=(X_test, y_test))
