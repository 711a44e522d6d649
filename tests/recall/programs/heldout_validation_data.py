# fault: held-out
# Validation images passed without the scaling applied to the training images.
from keras.datasets import fashion_mnist
from keras.models import Sequential
from keras.layers import Dense, Flatten

(train_images, train_labels), (test_images, test_labels) = fashion_mnist.load_data()
train_images = train_images.astype("float32") / 255.0
model = Sequential([Flatten(input_shape=(28, 28)), Dense(128, activation="relu"), Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_images, train_labels, epochs=10, validation_data=(test_images, test_labels))
