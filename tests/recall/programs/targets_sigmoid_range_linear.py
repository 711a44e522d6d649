# fault: targets-range
# A line y = 2x + 1 over 0..99 predicted with a sigmoid unit.
import numpy as np
from keras.models import Sequential
from keras.layers import Dense

xs = np.array(range(100), dtype=float)
ys = 2 * xs + 1
model = Sequential([Dense(10, input_dim=1, activation="relu"), Dense(1, activation="sigmoid")])
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(xs / 100.0, ys, epochs=100, verbose=0)
