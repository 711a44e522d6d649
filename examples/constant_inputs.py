"""The article's third example: constant inputs (np.ones) with two blocks of labels."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

X = np.ones((200, 32, 32, 3))
y = np.array([0] * 100 + [1] * 100)

model = keras.Sequential([
    layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=5, batch_size=32)
