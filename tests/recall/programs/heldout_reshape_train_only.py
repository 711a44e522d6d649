# fault: held-out
# The training images are flattened for the Dense network; the test images are scaled but keep their 28 x 28
# shape, so evaluate stops with a shape error.
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0
model = keras.Sequential([keras.Input((784,)), layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=128)
model.evaluate(x_test, y_test)
