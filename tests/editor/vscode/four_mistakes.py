"""Four classic mistakes: sigmoid convs, pixels up to 255, Adam at 0.5, softmax on one unit."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (256, 16, 16, 1)).astype("float32")
y = (X[:, :8].mean(axis=(1, 2, 3)) > X[:, 8:].mean(axis=(1, 2, 3))).astype("int32")

model = keras.Sequential([
    keras.Input((16, 16, 1)),
    layers.Conv2D(8, 3, activation="sigmoid"),
    layers.Conv2D(8, 3, activation="sigmoid"),
    layers.Flatten(),
    layers.Dense(1, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=5, batch_size=32)
