# idiom: both splits scaled by a lambda, by a list comprehension and by map() over the pair
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
prep = lambda a: a.reshape(-1, 784).astype("float32") / 255.0
x_train = prep(x_train)
x_test = prep(x_test)
(f_train, fy_train), (f_test, fy_test) = keras.datasets.fashion_mnist.load_data()
f_train, f_test = [a / 255.0 for a in (f_train, f_test)]
(k_train, ky_train), (k_test, ky_test) = keras.datasets.mnist.load_data()
k_train, k_test = map(lambda a: a / 255.0, (k_train, k_test))
model = keras.Sequential([keras.Input((784,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=3, validation_data=(x_test, y_test))
model.evaluate(x_test, y_test)
conv = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
conv.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
conv.fit(f_train, fy_train, epochs=3, validation_data=(f_test, fy_test))
conv.evaluate(f_test, fy_test)
conv.fit(k_train, ky_train, epochs=3, validation_data=(k_test, ky_test))
conv.evaluate(k_test, ky_test)
