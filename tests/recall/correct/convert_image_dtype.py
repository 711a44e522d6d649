# idiom: tf.image.convert_image_dtype (uint8 -> float in [0, 1]) as the only scaling, in a tf.data map
import tensorflow as tf
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()


def to_float(image, label):
    return tf.image.convert_image_dtype(image, tf.float32), label


train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).map(to_float).batch(64)
test = tf.data.Dataset.from_tensor_slices((x_test, y_test)).map(to_float).batch(64)
model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(32, 3, activation="relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train, epochs=5, validation_data=test)
