# fault: scaled-labels
# The whole table standardised, class column included.
import numpy as np
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler
import keras
from keras import layers

X, y = load_iris(return_X_y=True)
scaler = StandardScaler()
X = scaler.fit_transform(X)
y = StandardScaler().fit_transform(y.reshape(-1, 1)).ravel()
model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=100)
