# fault: scaled-labels
# Class labels z-scored by hand together with the features.
import numpy as np
from tensorflow import keras

(x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
y_train = (y_train - y_train.mean()) / y_train.std()
model = keras.Sequential([keras.layers.Dense(256, activation="relu", input_shape=(784,)),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
