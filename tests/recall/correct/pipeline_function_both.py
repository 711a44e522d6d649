# idiom: one preprocessing function applied to both splits
import keras
from keras import layers


def preprocess(images):
    return images.reshape(-1, 32 * 32 * 3).astype("float32") / 255.0


(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = preprocess(x_train)
x_test = preprocess(x_test)
model = keras.Sequential([keras.Input((3072,)), layers.Dense(256, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=10, batch_size=64, validation_data=(x_test, y_test))
model.evaluate(x_test, y_test)
