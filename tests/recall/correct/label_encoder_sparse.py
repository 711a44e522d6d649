# idiom: LabelEncoder on string classes + sparse categorical crossentropy
import pandas as pd
import keras
from keras import layers
from sklearn.preprocessing import LabelEncoder, StandardScaler

df = pd.read_csv("iris.csv")
X = StandardScaler().fit_transform(df.drop(columns=["species"]).values)
encoder = LabelEncoder()
y = encoder.fit_transform(df["species"])
model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=100, batch_size=8, validation_split=0.2)
