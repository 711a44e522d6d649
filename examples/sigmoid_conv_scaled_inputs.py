"""The article's first example: sigmoid convolutions trained on inputs multiplied by 100."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

X = np.random.rand(200, 32, 32, 3) * 100
y = np.random.randint(0, 2, 200)

model = keras.Sequential([
    layers.Conv2D(32, (3, 3), activation="sigmoid", input_shape=(32, 32, 3)),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="sigmoid"),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=5, batch_size=32)
