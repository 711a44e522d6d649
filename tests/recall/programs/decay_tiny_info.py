# fault: decay
# Adam with decay=1e-6 over a short run (Keras 3 drops it; here the effect was negligible anyway).
import numpy as np
import keras
from keras import layers

x = np.random.rand(2000, 10)
y = (x.mean(axis=1) > 0.5).astype(int)
model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3, decay=1e-6), loss="binary_crossentropy")
model.fit(x, y, epochs=10, batch_size=64)
