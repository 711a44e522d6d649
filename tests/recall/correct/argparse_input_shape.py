# idiom: input_shape / output_shape / Session as attributes of objects that are not Keras layers
import argparse
import numpy as np
import requests
import keras
from keras import layers

parser = argparse.ArgumentParser()
parser.add_argument("--units", type=int, default=32)
args = parser.parse_args()
args.input_shape = (8,)
session = requests.Session()


class Config:
    input_shape = (8,)
    output_shape = (1,)


X = np.random.rand(600, 8)
y = (X[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.Input(args.input_shape), layers.Dense(args.units, activation="relu"), layers.Dense(Config.output_shape[0], activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
