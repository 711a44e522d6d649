# idiom: shuffling the DataFrame rows (df.sample(frac=1)) before taking features and labels
import pandas as pd
import keras
from keras import layers

df = pd.read_csv("heart.csv")
df = df.sample(frac=1, random_state=0).reset_index(drop=True)
X = df.drop(columns=["target"]).values
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = df["target"].values
model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=50, batch_size=16, validation_split=0.2)
