# fault: multi-label
# Multi-label targets with binary crossentropy but a softmax output layer.
import keras
from keras import layers
from sklearn.datasets import make_multilabel_classification

X, y = make_multilabel_classification(n_samples=500, n_features=10, n_classes=4, random_state=1)
inputs = keras.Input(shape=(10,))
h = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(4, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=50, verbose=0)
