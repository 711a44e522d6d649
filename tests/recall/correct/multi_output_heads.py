# idiom: a two-head model: softmax on one-hot classes, sigmoid + binary CE on multi-hot tags
import numpy as np
import keras
from keras import layers
from sklearn.datasets import make_multilabel_classification

X, tags = make_multilabel_classification(n_samples=1000, n_features=12, n_classes=4, random_state=1)
X = X / X.max()
kind = keras.utils.to_categorical(np.argmax(X[:, :3], axis=1), 3)
inputs = keras.Input((12,))
h = layers.Dense(32, activation="relu")(inputs)
kind_out = layers.Dense(3, activation="softmax", name="kind")(h)
tags_out = layers.Dense(4, activation="sigmoid", name="tags")(h)
model = keras.Model(inputs, [kind_out, tags_out])
model.compile(optimizer="adam", loss={"kind": "categorical_crossentropy", "tags": "binary_crossentropy"})
model.fit(X, {"kind": kind, "tags": tags}, epochs=20, batch_size=32)
