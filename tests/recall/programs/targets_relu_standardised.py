# fault: targets-range
# Targets standardised with StandardScaler (half negative) fed to a relu output.
import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

df = pd.read_csv("energy.csv")
X = df.drop(columns=["load"]).values
y = df["load"].values.reshape(-1, 1)
X = StandardScaler().fit_transform(X)
y = StandardScaler().fit_transform(y)
model = Sequential([Dense(64, activation="relu", input_shape=(X.shape[1],)), Dense(1, activation="relu")])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=50, batch_size=64)
