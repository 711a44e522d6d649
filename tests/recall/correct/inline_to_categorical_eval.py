# idiom: one-hot training labels; the test labels one-hot encoded inline in evaluate / validation_data
import keras
from keras import layers
from keras.utils import to_categorical

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
x_test = x_test.reshape(-1, 784) / 255.0
model = keras.Sequential([keras.Input((784,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, to_categorical(y_train), epochs=3, validation_data=(x_test, to_categorical(y_test)))
model.evaluate(x_test, to_categorical(y_test, 10))
