# fault: multi-label
# (written before running the checker) Genres split from a "|"-joined column, row by row over iterrows.
import numpy as np
import pandas as pd
import keras
from keras import layers

df = pd.read_csv("movies.csv")
genres = sorted({g for gs in df["genres"] for g in gs.split("|")})
genre_index = {g: j for j, g in enumerate(genres)}
y = np.zeros((len(df), len(genres)), dtype="float32")
for i, row in df.iterrows():
    for g in row["genres"].split("|"):
        y[i, genre_index[g]] = 1.0
x = np.random.rand(len(df), 32)
model = keras.Sequential([keras.Input((32,)), layers.Dense(64, activation="relu"),
                          layers.Dense(len(genres), activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=10)
