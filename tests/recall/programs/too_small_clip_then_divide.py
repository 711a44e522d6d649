# fault: too-small-inputs
# Features clipped to [0, 1] and then divided by 255 as if they were pixels.
import numpy as np
import keras
from keras import layers

raw = np.random.uniform(-3, 3, size=(2000, 16))
x = np.clip(raw, 0, 1) / 255.0
y = (raw[:, 0] > 0).astype(int)
model = keras.Sequential([keras.Input((16,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=20)
