# idiom: sklearn LabelBinarizer (one-hot, one class per row) with softmax + categorical CE
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.preprocessing import LabelBinarizer

digits = load_digits()
X = digits.data / 16.0
Y = LabelBinarizer().fit_transform(digits.target)
model = keras.Sequential([keras.Input((64,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X, Y, epochs=30, batch_size=32, validation_split=0.2)
