# fault: unscaled-inputs
# Polynomial features of a linspace, the cube reaching 8000.
import numpy as np
import tensorflow as tf

t = np.linspace(0, 20, 500)
X = np.stack([t, t ** 2, t ** 3], axis=1)
features = t ** 3
y = np.sin(t)
model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="tanh", input_shape=(1,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(features, y, epochs=100)
