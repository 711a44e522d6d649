# fault: unscaled-inputs
# House features (square feet, year built, lot size) straight from a CSV into a ReLU network.
import pandas as pd
from tensorflow import keras

df = pd.read_csv("houses.csv")
X = df.drop("price", axis=1).values
y = df["price"].values / 1e5
model = keras.Sequential([keras.layers.Dense(64, activation="relu", input_shape=(X.shape[1],)),
                          keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=100, batch_size=32, validation_split=0.2)
