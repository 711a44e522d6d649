# idiom: soft one-hot labels (manual label smoothing, mixup of two one-hot sets): rows still sum to 1
import numpy as np
import keras
from keras import layers

(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
Y = keras.utils.to_categorical(y_train, 10)
Y_smooth = Y * 0.9 + 0.1 / 10
perm = np.random.permutation(len(x_train))
lam = 0.7
x_mix = lam * x_train + (1 - lam) * x_train[perm]
y_mix = lam * Y + (1 - lam) * Y[perm]
model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, Y_smooth, epochs=3, batch_size=128)
model.fit(x_mix, y_mix, epochs=3, batch_size=128)
