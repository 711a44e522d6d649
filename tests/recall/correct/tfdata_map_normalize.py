# idiom: tf.data pipelines with .map(normalize) on both splits
import tensorflow as tf
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()


def normalize(image, label):
    return tf.cast(image, tf.float32) / 255.0, label


train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).map(normalize).shuffle(10000).batch(128)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).map(normalize).batch(128)
model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=5, validation_data=test_ds)
model.evaluate(test_ds)
