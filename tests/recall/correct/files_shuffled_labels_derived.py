# idiom: file paths shuffled, labels derived from each path after the shuffle (pairing kept)
import os
import random
import numpy as np
import keras
from keras import layers

files = [os.path.join("data", f) for f in os.listdir("data")]
random.shuffle(files)
labels = np.array([1 if "dog" in f else 0 for f in files])
images = np.array([keras.utils.img_to_array(keras.utils.load_img(f, target_size=(64, 64))) for f in files]) / 255.0
model = keras.Sequential([keras.Input((64, 64, 3)), layers.Conv2D(16, 3, activation="relu"), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(images, labels, epochs=10, batch_size=32, validation_split=0.2)
