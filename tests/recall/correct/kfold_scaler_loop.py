# idiom: k-fold cross-validation, a scaler fitted on each training fold and applied to the test fold
import numpy as np
import keras
from keras import layers
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

X = np.loadtxt("features.csv", delimiter=",")
y = np.loadtxt("labels.csv", delimiter=",")
for train_idx, test_idx in KFold(n_splits=5, shuffle=True).split(X):
    scaler = StandardScaler()
    X_tr = scaler.fit_transform(X[train_idx])
    X_te = scaler.transform(X[test_idx])
    model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X_tr, y[train_idx], epochs=50, batch_size=32, validation_data=(X_te, y[test_idx]))
    print(model.evaluate(X_te, y[test_idx]))
