# fault: unscaled-inputs
# Sensor readings loaded with genfromtxt and fed to a tanh network without scaling.
import numpy as np
import keras
from keras import layers

data = np.genfromtxt("sensors.csv", delimiter=",", skip_header=1)
X, y = data[:, :-1], data[:, -1].astype(int)
model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="tanh"),
                          layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=50, batch_size=16)
