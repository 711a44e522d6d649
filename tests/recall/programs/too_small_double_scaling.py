# fault: too-small-inputs
# Images scaled in the loading code and again before training.
import numpy as np
from tensorflow import keras

(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32") / 255.0


def preprocess(images):
    return images / 255.0


x_train = preprocess(x_train)
model = keras.Sequential([keras.layers.Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10)
