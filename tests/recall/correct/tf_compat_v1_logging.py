# idiom: tf.compat.v1 utilities that still run on TensorFlow 2 (logging verbosity, seeds), Keras 3 model
import numpy as np
import tensorflow as tf
import keras
from keras import layers

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
tf.random.set_seed(0)
keras.backend.clear_session()
X = np.random.rand(500, 4)
y = (X[:, 0] > 0.5).astype("int32")
model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])
print(model.input_shape, model.output_shape)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
