# fault: unscaled-inputs
# Inputs from np.arange up to 1000 fed straight to the network.
import numpy as np
from keras.models import Sequential
from keras.layers import Dense

x = np.arange(0, 1000, 1).reshape(-1, 1).astype("float32")
y = (x[:, 0] % 2 == 0).astype(int)
model = Sequential([Dense(32, activation="sigmoid", input_dim=1), Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
model.fit(x, y, epochs=50)
