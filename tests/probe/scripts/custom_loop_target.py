"""A custom GradientTape loop that marks what to probe with learnability.probe.target."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
import learnability.probe

rng = np.random.default_rng(0)
X = rng.random((256, 4)).astype("float32")
y = (X[:, :1] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
opt = keras.optimizers.Adam(1e-2)
loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
learnability.probe.target(model, X, y, loss=loss_fn, optimizer=opt)
for step in range(100):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(X, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
