# idiom: StandardScaler on targets (negative values) with a linear output; inverse_transform on predictions
import numpy as np
import keras
from keras import layers
from sklearn.preprocessing import StandardScaler

X = np.random.rand(1000, 3)
y = (X[:, 0] * 50 - X[:, 1] * 20).reshape(-1, 1)
ys = StandardScaler()
y_scaled = ys.fit_transform(y)
model = keras.Sequential([keras.Input((3,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="linear")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y_scaled, epochs=50, batch_size=32)
pred = ys.inverse_transform(model.predict(X))
