# fault: held-out
# Features scaled after the split for training only; predictions on the raw test split.
import numpy as np
from sklearn.model_selection import train_test_split
import keras
from keras import layers

X = np.random.uniform(0, 5000, size=(2000, 3))
y = X[:, 0] * 0.3 + X[:, 1] * 0.1
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
X_train = X_train / 5000.0
model = keras.Sequential([keras.Input((3,)), layers.Dense(32, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=50)
predictions = model.predict(X_test)
