# idiom: fit_transform on the training split, transform on the test split (MinMaxScaler), labels untouched
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

df = pd.read_csv("diabetes.csv")
X = df.drop("Outcome", axis=1)
y = df["Outcome"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=1)
scaler = MinMaxScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
model = keras.Sequential([keras.Input((8,)), layers.Dense(12, activation="relu"), layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=150, batch_size=10, validation_data=(X_test, y_test))
_, accuracy = model.evaluate(X_test, y_test)
