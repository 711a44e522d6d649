# idiom: sklearn digits (pixel values 0..16) divided by 16, not 255
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

digits = load_digits()
X = digits.images.reshape(len(digits.images), -1) / 16.0
X_train, X_test, y_train, y_test = train_test_split(X, digits.target, test_size=0.2, shuffle=True)
model = keras.Sequential([keras.Input((64,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
