# fault: held-out
# The standardised copy is made and never used: the raw columns are split and trained on.
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

df = pd.read_csv("churn.csv")
X = df.drop(columns=["churned"]).values
y = df["churned"].values
X_scaled = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=1)
model = keras.Sequential([keras.layers.Dense(32, activation="relu", input_shape=(X.shape[1],)),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
