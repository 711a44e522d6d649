"""Trains from a tf.data pipeline with validation data; 3 classes, integer labels."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

rng = np.random.default_rng(1)
X = rng.normal(size=(600, 10)).astype("float32")
y = np.argmax(X[:, :3], axis=1)
train = tf.data.Dataset.from_tensor_slices((X[:480], y[:480])).shuffle(480).batch(32)
val = tf.data.Dataset.from_tensor_slices((X[480:], y[480:])).batch(32)
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train, validation_data=val, epochs=5)
