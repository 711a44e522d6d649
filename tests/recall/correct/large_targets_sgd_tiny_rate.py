# idiom: large targets with SGD at a rate lowered to match their scale
import numpy as np
import keras
from keras import layers

X = np.random.rand(1000, 3)
y = X @ np.array([30000.0, 15000.0, 5000.0]) + 100000.0
model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-5), loss="mse")
model.fit(X, y, epochs=100, batch_size=32)
