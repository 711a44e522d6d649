# idiom: np.random.get_state() saved before shuffling the inputs, restored before shuffling the labels
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 6)
y = (X[:, 0] > 0.5).astype("int32")
state = np.random.get_state()
np.random.shuffle(X)
np.random.set_state(state)
np.random.shuffle(y)
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
