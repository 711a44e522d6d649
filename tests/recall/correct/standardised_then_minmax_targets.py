# idiom: targets standardised, then min-max scaled into [0, 1] for a sigmoid output (the last scaler decides)
import numpy as np
import keras
from keras import layers
from sklearn.preprocessing import MinMaxScaler, StandardScaler

X = np.random.rand(1000, 4)
y = (X @ np.array([3.0, -2.0, 1.0, 0.5])).reshape(-1, 1)
y = StandardScaler().fit_transform(y)
y = MinMaxScaler().fit_transform(y)
model = keras.Sequential([keras.Input((4,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=50, batch_size=32)
