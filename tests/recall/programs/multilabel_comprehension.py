# fault: multi-label
# Movie genres as a multi-hot matrix built with a nested comprehension (a membership test per genre),
# trained with categorical crossentropy.
import numpy as np
import keras
from keras import layers

genres = ["action", "comedy", "drama", "horror", "romance"]
movies = [["action", "drama"], ["comedy", "romance"], ["horror"], ["drama", "romance", "comedy"]] * 250
y = np.array([[1 if g in movie else 0 for g in genres] for movie in movies], dtype="float32")
x = np.random.rand(len(movies), 40)
model = keras.Sequential([keras.Input((40,)), layers.Dense(32, activation="relu"),
                          layers.Dense(len(genres), activation="sigmoid")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, epochs=15, batch_size=32)
