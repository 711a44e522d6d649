# idiom: a standardised copy under a new name, then the copy is split and trained on (the raw array kept for plots)
import pandas as pd
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("churn.csv")
X = df.drop(columns=["churned"]).values
y = df["churned"].values
X_scaled = StandardScaler().fit_transform(X)
print(X[:5])
X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2, random_state=1)
model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
