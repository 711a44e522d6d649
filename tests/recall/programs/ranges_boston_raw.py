# fault: unscaled-inputs
# Boston housing inputs (tax rates up to 711) fed unscaled.
from tensorflow.keras.datasets import boston_housing
from tensorflow.keras import models, layers

(train_data, train_targets), (test_data, test_targets) = boston_housing.load_data()
model = models.Sequential()
model.add(layers.Dense(64, activation="relu", input_shape=(train_data.shape[1],)))
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(1))
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
model.fit(train_data, train_targets, epochs=80, batch_size=16)
