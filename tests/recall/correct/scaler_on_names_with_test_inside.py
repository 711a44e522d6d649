# idiom: training arrays whose names merely contain "test" (latest, greatest) with a scaler fitted on them
import numpy as np
import keras
from keras import layers
from sklearn.preprocessing import StandardScaler

latest_readings = np.loadtxt("sensors_2024.csv", delimiter=",")
greatest_loads = np.loadtxt("loads_2024.csv", delimiter=",")
scaler = StandardScaler()
scaler.fit(latest_readings)
X = scaler.transform(latest_readings)
model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, greatest_loads, epochs=50, batch_size=32, validation_split=0.2)
