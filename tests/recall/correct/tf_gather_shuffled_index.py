# idiom: tf.random.shuffle of an index range, tf.gather on inputs and labels
import numpy as np
import tensorflow as tf
import keras
from keras import layers

x = np.random.rand(1000, 4).astype("float32")
y = (x[:, 0] > 0.5).astype("float32")
idx = tf.random.shuffle(tf.range(1000))
x = tf.gather(x, idx)
y = tf.gather(y, idx)
model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32)
