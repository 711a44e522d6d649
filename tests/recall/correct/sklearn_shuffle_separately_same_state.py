# idiom: sklearn.utils.shuffle called on each array with the same random_state (the same permutation)
import numpy as np
import keras
from keras import layers
from sklearn.utils import shuffle

X = np.random.rand(1000, 6)
y = (X[:, 0] > 0.5).astype("int32")
X = shuffle(X, random_state=7)
y = shuffle(y, random_state=7)
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
