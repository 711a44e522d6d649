# idiom: one RandomState permutation sliced into train and test indices for both arrays
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 6)
y = (X[:, 1] > 0.5).astype("int32")
rng = np.random.RandomState(0)
idx = rng.permutation(len(X))
train_idx, test_idx = idx[:800], idx[800:]
X_train, y_train = X[train_idx], y[train_idx]
X_test, y_test = X[test_idx], y[test_idx]
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=20, batch_size=32, validation_data=(X_test, y_test))
model.evaluate(X_test, y_test)
