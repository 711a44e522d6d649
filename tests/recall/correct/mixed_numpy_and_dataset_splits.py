# idiom: training arrays scaled in NumPy, the validation split scaled by a tf.data map
import tensorflow as tf
import keras
from keras import layers

(x_train, y_train), (x_val, y_val) = keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32") / 255.0
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)).batch(64)
model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(32, 3, activation="relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=64, validation_data=val_ds)
model.evaluate(val_ds)
