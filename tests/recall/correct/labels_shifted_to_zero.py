# idiom: 1-based / offset class labels shifted to start at 0 (y - 1, quality - 3) for sparse CE
import pandas as pd
import keras
from keras import layers
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("winequality-red.csv", sep=";")
X = StandardScaler().fit_transform(df.drop(columns=["quality"]).values)
y = df["quality"].values - 3
model = keras.Sequential([keras.Input((11,)), layers.Dense(64, activation="relu"), layers.Dense(6, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=50, batch_size=32, validation_split=0.2)
