# fault: multi-label
# A hand-built multi-hot matrix into softmax + categorical crossentropy.
import numpy as np
import keras
from keras import layers

n, k = 1000, 6
x = np.random.rand(n, 20)
y = np.zeros((n, k))
for i in range(n):
    y[i, np.random.choice(k, 2, replace=False)] = 1
model = keras.Sequential([keras.Input((20,)), layers.Dense(32, activation="relu"), layers.Dense(k, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=10)
