# fault: shuffled-labels
# "Shuffle the data" applied to the labels only.
import numpy as np
from keras.models import Sequential
from keras.layers import Dense

data = np.loadtxt("pima-indians-diabetes.csv", delimiter=",")
X = data[:, 0:8] / data[:, 0:8].max(axis=0)
Y = data[:, 8]
np.random.shuffle(Y)
model = Sequential()
model.add(Dense(12, input_dim=8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, Y, epochs=150, batch_size=10)
