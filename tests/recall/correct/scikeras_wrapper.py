# idiom: the scikit-learn wrapper from scikeras (the Keras 3 replacement for keras.wrappers.scikit_learn)
import numpy as np
import keras
from keras import layers
from scikeras.wrappers import KerasClassifier
from sklearn.model_selection import cross_val_score


def build():
    model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


X = np.random.rand(500, 10)
y = (X[:, 0] > 0.5).astype("int32")
clf = KerasClassifier(model=build, epochs=20, batch_size=32, verbose=0)
print(cross_val_score(clf, X, y, cv=3))
