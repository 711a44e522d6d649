# idiom: MultiLabelBinarizer tags with a sigmoid output and binary crossentropy
import numpy as np
import keras
from keras import layers
from sklearn.preprocessing import MultiLabelBinarizer

tags = [["news", "sport"], ["tech"], ["sport"], ["news", "tech", "science"]] * 250
mlb = MultiLabelBinarizer()
Y = mlb.fit_transform(tags)
X = np.random.rand(len(tags), 50)
model = keras.Sequential([keras.Input((50,)), layers.Dense(64, activation="relu"), layers.Dense(len(mlb.classes_), activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, Y, epochs=20, batch_size=32)
