# idiom: two models in one script: a linear regressor on signed targets, a sigmoid classifier on 0/1 labels
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 4)
y_reg = np.linspace(-50, 50, 1000)
y_reg = (y_reg - y_reg.mean()) / y_reg.std()
y_cls = (X[:, 0] > 0.5).astype("int32")
reg = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
reg.compile(optimizer="adam", loss="mse")
reg.fit(X, y_reg, epochs=20, batch_size=32)
clf = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
clf.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
clf.fit(X, y_cls, epochs=20, batch_size=32)
