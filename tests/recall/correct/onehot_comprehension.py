# idiom: one-hot labels from a nested comprehension (an equality test per class) with softmax + categorical CE
import numpy as np
import keras
from keras import layers

classes = ["cat", "dog", "bird"]
names = ["cat", "dog", "bird", "dog"] * 300
Y = np.array([[1 if c == name else 0 for c in classes] for name in names], dtype="float32")
X = np.random.rand(len(names), 12)
model = keras.Sequential([keras.Input((12,)), layers.Dense(16, activation="relu"),
                          layers.Dense(len(classes), activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, Y, epochs=10, batch_size=32)
