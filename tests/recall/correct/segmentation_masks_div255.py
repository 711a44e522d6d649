# idiom: segmentation masks stored as 0/255 images divided by 255 (binary masks), sigmoid + binary CE
import numpy as np
import keras
from keras import layers

images = np.load("images.npy")
masks = np.load("masks.npy")
images = images.astype("float32") / 255.0
masks = masks.astype("float32") / 255.0
inputs = keras.Input((128, 128, 3))
h = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
h = layers.Conv2D(16, 3, padding="same", activation="relu")(h)
outputs = layers.Conv2D(1, 1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(images, masks, epochs=20, batch_size=8, validation_split=0.1)
