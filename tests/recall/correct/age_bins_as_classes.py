# idiom: ages binned into decade classes ((age / 10).astype(int) and age // 10) for sparse CE
import numpy as np
import keras
from keras import layers

ages = np.random.randint(0, 100, size=5000)
X = np.random.rand(5000, 16)
X[:, 0] = ages / 100.0
y = (ages / 10).astype(int)
y2 = ages // 10
model = keras.Sequential([keras.Input((16,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=64)
model.fit(X, y2, epochs=20, batch_size=64)
