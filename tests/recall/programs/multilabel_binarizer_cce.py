# fault: multi-label
# Movie genres (several per film) binarised, then trained with categorical crossentropy.
import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer
import tensorflow as tf

genres = [["action", "comedy"], ["drama"], ["comedy", "romance"], ["action", "thriller", "drama"]] * 250
features = np.random.rand(1000, 50)
mlb = MultiLabelBinarizer()
labels = mlb.fit_transform(genres)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation="relu", input_shape=(50,)),
    tf.keras.layers.Dense(5, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=10)
