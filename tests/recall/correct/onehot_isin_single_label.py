# idiom: one-hot rows made with np.isin of each single label (one 1 per row), softmax + categorical CE
import numpy as np
import keras
from keras import layers

classes = np.array(["cat", "dog", "car"])
labels = ["cat", "dog", "car"] * 200
Y = np.stack([np.isin(classes, t).astype("float32") for t in labels])
X = np.random.rand(len(labels), 10)
model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, Y, epochs=10)
