# idiom: sklearn.utils.shuffle(X, y) shuffles inputs and labels together
import numpy as np
import keras
from keras import layers
from sklearn.utils import shuffle

X = np.random.rand(1000, 10)
y = (X.sum(axis=1) > 5).astype("int32")
X, y = shuffle(X, y, random_state=0)
model = keras.Sequential([keras.Input((10,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
