# idiom: large positive targets with SGD and mean squared logarithmic error (the loss takes the log itself)
import numpy as np
import keras
from keras import layers

X = np.random.rand(2000, 4)
y = 20000 + 780000 * X[:, 0]
model = keras.Sequential([keras.Input((4,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="relu")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="msle")
model.fit(X, y, epochs=50, batch_size=32)
