# idiom: large targets with SGD and a bounded-gradient loss (huber)
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 3)
y = np.linspace(10000, 500000, 1000)
model = keras.Sequential([keras.Input((3,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=keras.losses.Huber(delta=1.0))
model.fit(X, y, epochs=50, batch_size=32)
