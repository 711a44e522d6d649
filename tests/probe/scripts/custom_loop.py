"""Trains with a custom GradientTape loop (no fit)."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

X = np.random.rand(64, 4).astype("float32")
y = (X[:, :1] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
opt = keras.optimizers.Adam(1e-2)
loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
for step in range(100000):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(X, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
