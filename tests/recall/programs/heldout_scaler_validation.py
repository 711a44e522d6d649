# fault: held-out
# A scaler fitted and applied to the training features; validation features left as they are.
import numpy as np
from sklearn.preprocessing import MinMaxScaler
from sklearn.model_selection import train_test_split
from tensorflow import keras

X = np.random.uniform(10, 900, size=(1500, 5))
y = (X[:, 0] > X[:, 1]).astype(int)
X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.2)
scaler = MinMaxScaler()
X_tr = scaler.fit_transform(X_tr)
model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(5,)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_tr, y_tr, epochs=30, validation_data=(X_val, y_val))
