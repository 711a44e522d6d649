# fault: targets-range
# House prices (5..50 k$) predicted through a sigmoid output.
from keras.datasets import boston_housing
from keras.models import Sequential
from keras.layers import Dense

(train_data, train_targets), (test_data, test_targets) = boston_housing.load_data()
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
train_data = (train_data - mean) / std
test_data = (test_data - mean) / std

model = Sequential()
model.add(Dense(64, activation="relu", input_shape=(13,)))
model.add(Dense(64, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
model.fit(train_data, train_targets, epochs=100, batch_size=16)
