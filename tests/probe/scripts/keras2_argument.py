"""Uses a Keras 2-only fit argument."""
import numpy as np
from tensorflow import keras

X = np.random.rand(64, 4)
y = (X[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, nb_epoch=3)
