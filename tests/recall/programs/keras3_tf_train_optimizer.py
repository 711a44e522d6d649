# fault: keras3-api
# A TensorFlow 1 optimizer passed to compile.
import numpy as np
import tensorflow as tf

x = np.random.rand(500, 4)
y = x.sum(axis=1)
model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)), tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.compat.v1.train.AdamOptimizer(learning_rate=0.01), loss="mse")
model.fit(x, y, epochs=10)
