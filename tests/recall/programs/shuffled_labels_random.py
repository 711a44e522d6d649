# fault: shuffled-labels
# Python's random.shuffle on the label list.
import random
import numpy as np
import tensorflow as tf

features = np.random.rand(1000, 16)
labels = [int(f.sum() > 8) for f in features]
random.shuffle(labels)
labels = np.array(labels)
model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation="relu", input_shape=(16,)),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(features, labels, epochs=20)
