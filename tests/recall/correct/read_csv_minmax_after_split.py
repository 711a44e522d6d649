# idiom: columns read with read_csv, split, then a MinMaxScaler fitted on the training split and applied to both
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

df = pd.read_csv("houses.csv")
X = df.drop(columns=["price"]).to_numpy()
y = df["price"].to_numpy() / 1e5
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
scaler = MinMaxScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=50, batch_size=32, validation_data=(X_test, y_test))
model.evaluate(X_test, y_test)
