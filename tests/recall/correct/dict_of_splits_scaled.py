# idiom: splits kept in a dict and scaled in a loop over its keys
import keras
from keras import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
data = {"train": x_train, "test": x_test}
for split in data:
    data[split] = data[split].reshape(-1, 784).astype("float32") / 255.0
model = keras.Sequential([keras.Input((784,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(data["train"], y_train, epochs=3, validation_data=(data["test"], y_test))
model.evaluate(data["test"], y_test)
