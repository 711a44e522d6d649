# idiom: large targets with SGD and mean absolute error (bounded gradient) at a small rate
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 5)
y = X @ np.array([1000.0, 2000.0, 500.0, 300.0, 100.0]) + 20000.0
model = keras.Sequential([keras.Input((5,)), layers.Dense(32, activation="relu"), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mae")
model.fit(X, y, epochs=50, batch_size=32)
