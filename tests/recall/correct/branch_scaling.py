# idiom: scaling chosen in an if/else (each path scales once)
import sys
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
if "--centered" in sys.argv:
    x_train = x_train / 127.5 - 1.0
    x_test = x_test / 127.5 - 1.0
else:
    x_train = x_train / 255.0
    x_test = x_test / 255.0
model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
