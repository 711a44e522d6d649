# fault: shuffled-labels
# sklearn.utils.shuffle called on the targets alone.
import numpy as np
from sklearn.utils import shuffle
from tensorflow import keras

X = np.random.rand(1000, 12)
y = (X[:, 3] > 0.5).astype(int)
y = shuffle(y, random_state=0)
model = keras.Sequential([keras.layers.Dense(24, activation="relu", input_shape=(12,)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=25)
