# fault: held-out
# (written before running the checker) Flattened for training, predicted on a slice of the raw test images.
import numpy as np
from tensorflow import keras

(X_train, y_train), (X_test, y_test) = keras.datasets.mnist.load_data()
X_train = X_train.reshape((X_train.shape[0], 28 * 28)).astype("float32") / 255
X_test = X_test.astype("float32") / 255
model = keras.models.Sequential()
model.add(keras.layers.Dense(512, activation="relu", input_shape=(784,)))
model.add(keras.layers.Dense(10, activation="softmax"))
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=5, batch_size=128)
print(np.argmax(model.predict(X_test[:10]), axis=1))
