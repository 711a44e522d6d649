# fault: multi-label
# (written before running the checker) Multi-hot rows made with np.isin, stacked, into a softmax.
import numpy as np
import keras
from keras import layers

classes = np.array(["cat", "dog", "car", "tree"])
tags = [["cat", "tree"], ["dog"], ["car", "tree", "dog"], ["cat"]] * 200
Y = np.stack([np.isin(classes, t).astype("float32") for t in tags])
X = np.random.rand(len(tags), 10)
model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, Y, epochs=10)
