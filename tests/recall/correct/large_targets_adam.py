# idiom: regression on large targets (house prices) with Adam, which is scale-invariant in its step
import pandas as pd
import keras
from keras import layers
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("house_prices.csv")
X = StandardScaler().fit_transform(df[["sqft", "bedrooms", "bathrooms", "year"]].values)
y = df["price"].values
model = keras.Sequential([keras.Input((4,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mae")
model.fit(X, y, epochs=200, batch_size=32, validation_split=0.2)
