# idiom: one-hot labels via tf.one_hot inside a tf.data map, softmax + categorical CE
import tensorflow as tf
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()


def prep(image, label):
    return tf.cast(image, tf.float32) / 255.0, tf.one_hot(label, 10)


ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).map(prep).batch(64)
model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(ds, epochs=5)
