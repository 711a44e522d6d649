# fault: held-out
# The training split is scaled, then a second split of the raw array (for a validation set) overwrites it.
import numpy as np
import keras
from keras import layers
from sklearn.model_selection import train_test_split

X = np.random.uniform(0, 5000, size=(2000, 6))
y = (X[:, 0] + X[:, 1] > 5000).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
X_train_scaled = X_train / 5000.0
X_train_scaled, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.1)
model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X_train_scaled, y_train, epochs=20, validation_data=(X_val / 5000.0, y_val))
