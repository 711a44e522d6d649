# idiom: boston_housing standardised with the training mean/std on both splits (Chollet's example)
import keras
from keras import layers

(train_data, train_targets), (test_data, test_targets) = keras.datasets.boston_housing.load_data()
mean = train_data.mean(axis=0)
train_data -= mean
std = train_data.std(axis=0)
train_data /= std
test_data -= mean
test_data /= std
model = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
model.fit(train_data, train_targets, epochs=80, batch_size=16, verbose=0)
test_mse, test_mae = model.evaluate(test_data, test_targets)
