# fault: scaled-labels
# Labels divided by their maximum like the features.
import numpy as np
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Dense, Flatten

(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train = x_train / x_train.max()
y_train = y_train / y_train.max()
model = Sequential([Flatten(input_shape=(28, 28)), Dense(64, activation="relu"), Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3)
