# idiom: binary class labels cast to float32 (not scaled) with sigmoid + binary crossentropy
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
y = y.astype("float32")
model = keras.Sequential([keras.Input((30,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=50, batch_size=16, validation_split=0.2)
