# fault: multi-label
# Each article has several tags; the multi-hot matrix is filled tag by tag in a nested loop, then trained
# with a softmax output and categorical crossentropy.
import numpy as np
import keras
from keras import layers

vocab = {"news": 0, "sport": 1, "tech": 2, "science": 3, "music": 4}
articles = [["news", "sport"], ["tech", "science"], ["music"], ["news", "tech", "science"]] * 200
x = np.random.rand(len(articles), 64)
y = np.zeros((len(articles), len(vocab)))
for i, tags in enumerate(articles):
    for tag in tags:
        y[i, vocab[tag]] = 1
model = keras.Sequential([keras.Input((64,)), layers.Dense(64, activation="relu"),
                          layers.Dense(len(vocab), activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32)
