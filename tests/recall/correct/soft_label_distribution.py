# idiom: soft labels (each annotator's vote a share of the row, rows summing to 1) with softmax + categorical CE
import numpy as np
import keras
from keras import layers

n, k = 900, 5
X = np.random.rand(n, 10)
votes = [np.random.choice(k, 3) for _ in range(n)]
Y = np.zeros((n, k))
for i, row in enumerate(votes):
    for v in row:
        Y[i, v] += 1.0 / len(row)
model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(k, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, Y, epochs=10, batch_size=32)
