# idiom: MinMaxScaler on regression targets with a sigmoid output
import numpy as np
import pandas as pd
import keras
from keras import layers
from sklearn.preprocessing import MinMaxScaler

df = pd.read_csv("prices.csv")
X = df[["rooms", "area", "age"]].values
y = df["price"].values.reshape(-1, 1)
x_scaler = MinMaxScaler()
X = x_scaler.fit_transform(X)
y_scaler = MinMaxScaler()
y = y_scaler.fit_transform(y)
model = keras.Sequential([keras.Input((3,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=100, batch_size=16, validation_split=0.1)
