# idiom: a TextVectorization layer adapted on the training texts inside the model; raw strings for every split
import numpy as np
import keras
from keras import layers

train_texts = np.array(["good movie", "bad film", "great acting", "awful plot"] * 250)
train_labels = np.array([1, 0, 1, 0] * 250)
test_texts = np.array(["good plot", "bad acting"] * 50)
test_labels = np.array([1, 0] * 50)
vectorizer = layers.TextVectorization(max_tokens=1000, output_sequence_length=8)
vectorizer.adapt(train_texts)
model = keras.Sequential([keras.Input((1,), dtype="string"), vectorizer, layers.Embedding(1000, 16), layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_texts, train_labels, epochs=5, validation_data=(test_texts, test_labels), shuffle=True)
model.evaluate(test_texts, test_labels)
