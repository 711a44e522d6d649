# idiom: pixels mapped to [-1, 1] with x / 127.5 - 1 (one scaling, GAN-style), tanh hidden layers
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 127.5 - 1.0
x_test = x_test.reshape(-1, 784).astype("float32") / 127.5 - 1.0
model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="tanh"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, validation_data=(x_test, y_test))
