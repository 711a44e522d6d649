# fault: multi-label
# Three label ids per sample compared against every class and reduced over the label axis: several ones
# per row, into a softmax output.
import numpy as np
import keras
from keras import layers

n, k = 1200, 8
classes = np.arange(k)
label_ids = np.random.randint(0, k, size=(n, 3))
y = (label_ids[:, :, None] == classes).any(axis=1).astype("float32")
x = np.random.rand(n, 16)
model = keras.Sequential([keras.Input((16,)), layers.Dense(32, activation="relu"), layers.Dense(k, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=10, batch_size=32)
