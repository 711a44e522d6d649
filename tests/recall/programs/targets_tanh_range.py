# fault: targets-range
# Fitting a quadratic whose values reach 100 through a tanh output.
import numpy as np
import tensorflow as tf

X = np.arange(-10, 10, 0.05)
Y = X ** 2
model = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation="relu", input_shape=[1]),
    tf.keras.layers.Dense(1, activation="tanh"),
])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mean_squared_error")
model.fit(X, Y, epochs=500)
