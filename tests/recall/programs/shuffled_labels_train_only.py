# fault: shuffled-labels
# The training labels permuted "to remove ordering", the images left alone.
import numpy as np
from tensorflow import keras

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
y_train = np.random.permutation(y_train)
model = keras.Sequential([keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
