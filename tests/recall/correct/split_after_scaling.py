# idiom: scaled once, then split into train and validation with train_test_split (both parts scaled)
import keras
from keras import layers
from sklearn.model_selection import train_test_split

(x_all, y_all), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
x_all = x_all / 255.0
x_test = x_test / 255.0
x_train, x_val, y_train, y_val = train_test_split(x_all, y_all, test_size=0.1, random_state=0)
model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, validation_data=(x_val, y_val))
model.evaluate(x_test, y_test)
