# idiom: np.random.seed(s) before each np.random.shuffle, so both arrays get the same order
import numpy as np
import keras
from keras import layers

X = np.random.rand(900, 5)
y = (X[:, 2] > 0.5).astype("int32")
np.random.seed(7)
np.random.shuffle(X)
np.random.seed(7)
np.random.shuffle(y)
model = keras.Sequential([keras.Input((5,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
