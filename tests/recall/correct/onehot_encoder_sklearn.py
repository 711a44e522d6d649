# idiom: sklearn OneHotEncoder on integer labels + categorical crossentropy, labels split with the inputs
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OneHotEncoder, StandardScaler

X, y = load_iris(return_X_y=True)
enc = OneHotEncoder(sparse_output=False)
Y = enc.fit_transform(y.reshape(-1, 1))
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.3, random_state=2)
sc = StandardScaler().fit(X_train)
X_train = sc.transform(X_train)
X_test = sc.transform(X_test)
model = keras.Sequential([keras.Input((4,)), layers.Dense(10, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, Y_train, epochs=100, batch_size=5, validation_data=(X_test, Y_test))
model.evaluate(X_test, Y_test)
