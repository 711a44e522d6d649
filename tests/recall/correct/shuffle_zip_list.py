# idiom: shuffling pairs together (random.shuffle of a zipped list), then unzipping
import random
import numpy as np
import keras
from keras import layers

features = np.random.rand(1000, 16)
labels = [int(f.sum() > 8) for f in features]
pairs = list(zip(features, labels))
random.shuffle(pairs)
features, labels = zip(*pairs)
features = np.array(features)
labels = np.array(labels)
model = keras.Sequential([keras.Input((16,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=20, batch_size=32)
