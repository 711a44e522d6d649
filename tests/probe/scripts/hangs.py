"""Hangs before fit (waits forever for something)."""
import time
import numpy as np
from tensorflow import keras

X = np.random.rand(64, 4)
while True:
    time.sleep(0.5)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, np.zeros(64), epochs=3)
