# idiom: a denoising autoencoder (noisy inputs, clean scaled targets, binary crossentropy)
import numpy as np
import keras
from keras import layers

(x_train, _), (x_test, _) = keras.datasets.mnist.load_data()
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0
x_train_noisy = np.clip(x_train + 0.3 * np.random.normal(size=x_train.shape), 0.0, 1.0)
x_test_noisy = np.clip(x_test + 0.3 * np.random.normal(size=x_test.shape), 0.0, 1.0)
model = keras.Sequential([
    keras.Input((28, 28)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(784, activation="sigmoid"),
    layers.Reshape((28, 28)),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train_noisy, x_train, epochs=20, batch_size=128, validation_data=(x_test_noisy, x_test))
