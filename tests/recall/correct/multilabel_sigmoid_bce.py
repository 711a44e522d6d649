# idiom: multi-label targets with a sigmoid output and binary crossentropy
import keras
from keras import layers
from sklearn.datasets import make_multilabel_classification

X, Y = make_multilabel_classification(n_samples=2000, n_features=20, n_classes=5, random_state=0)
X = X / X.max()
model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(5, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])
model.fit(X, Y, epochs=30, batch_size=32, validation_split=0.2)
