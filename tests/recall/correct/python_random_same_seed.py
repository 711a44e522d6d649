# idiom: Python's random.seed(s) before each random.shuffle, so both lists get the same order
import random
import numpy as np
import keras
from keras import layers

features = [list(np.random.rand(6)) for _ in range(1000)]
labels = [int(f[0] > 0.5) for f in features]
random.seed(42)
random.shuffle(features)
random.seed(42)
random.shuffle(labels)
X, y = np.array(features), np.array(labels)
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
