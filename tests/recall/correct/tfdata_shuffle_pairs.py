# idiom: tf.data Dataset.shuffle on (x, y) pairs, which keeps each label with its input
import numpy as np
import tensorflow as tf
import keras
from keras import layers

x = np.random.rand(5000, 8).astype("float32")
y = (x[:, 0] > 0.5).astype("int32")
ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(5000, seed=0).batch(64)
model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"), layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(ds, epochs=10)
