# idiom: inputs and labels stacked in one array, shuffled together, then split into columns
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 6)
y = (X[:, 0] > 0.5).astype("float32")
data = np.column_stack([X, y])
np.random.shuffle(data)
X = data[:, :-1]
y = data[:, -1]
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
