# idiom: an index array shuffled in place, then applied to inputs and labels
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 10)
y = (X[:, 0] > 0.5).astype("int32")
indices = np.arange(X.shape[0])
np.random.shuffle(indices)
X = X[indices]
y = y[indices]
model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
