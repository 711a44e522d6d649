# idiom: one-hot labels via pd.get_dummies + categorical crossentropy
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("wine.csv")
X = df.drop(columns=["quality_label"]).values
y = pd.get_dummies(df["quality_label"]).values
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(64, activation="relu"), layers.Dense(y.shape[1], activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=50, batch_size=32, validation_data=(X_test, y_test))
