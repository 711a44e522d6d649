# fault: targets-range
# Profit (negative for loss-making shops) read from a CSV and predicted through a relu unit.
import pandas as pd
from tensorflow import keras

df = pd.read_csv("shops.csv")
X = df[["area", "staff", "footfall"]].values / 1000.0
y = df["profit"].values
model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(3,)),
                          keras.layers.Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=40)
