# idiom: separate scalers for inputs and targets, each fitted on the training split and applied to the test split
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("energy.csv")
X = df.iloc[:, :8].values
y = df.iloc[:, 8].values.reshape(-1, 1)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
x_scaler = StandardScaler().fit(X_train)
y_scaler = StandardScaler().fit(y_train)
X_train, X_test = x_scaler.transform(X_train), x_scaler.transform(X_test)
y_train, y_test = y_scaler.transform(y_train), y_scaler.transform(y_test)
model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=100, batch_size=32, validation_data=(X_test, y_test))
model.evaluate(X_test, y_test)
