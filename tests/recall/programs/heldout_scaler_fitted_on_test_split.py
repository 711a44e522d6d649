# fault: held-out
# The scaler is fitted on the test split and reused for the training split.
import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.model_selection import train_test_split
import keras
from keras import layers

X = np.random.uniform(0, 300, size=(1000, 4))
y = (X[:, 0] + X[:, 1] > 300).astype(int)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)
scaler = StandardScaler().fit(X_test)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)
model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=20, validation_data=(X_test, y_test))
