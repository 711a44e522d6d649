# idiom: (x - mean) / std with the training statistics, written out for both splits
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
mean = x_train.mean(axis=0)
std = x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std
model = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
model.fit(x_train, y_train, epochs=100, batch_size=16, validation_data=(x_test, y_test))
model.evaluate(x_test, y_test)
