# idiom: IMDB padded with pad_sequences on both splits, an Embedding + LSTM
import keras
from keras import layers
from keras.datasets import imdb
from keras.utils import pad_sequences

(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=20000)
x_train = pad_sequences(x_train, maxlen=200)
x_test = pad_sequences(x_test, maxlen=200)
model = keras.Sequential([keras.Input((200,)), layers.Embedding(20000, 128), layers.LSTM(64), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=2, validation_data=(x_test, y_test))
