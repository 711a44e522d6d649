# fault: large-targets
# House values in dollars (up to 500,001) regressed with plain SGD and mse.
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.california_housing.load_data()
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
model.fit(x_train, y_train, epochs=20, batch_size=32)
