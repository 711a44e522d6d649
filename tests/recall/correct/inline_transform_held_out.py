# idiom: the held-out split transformed inline in the call (validation_data=(scaler.transform(..)), evaluate(x / 255))
import keras
from keras import layers
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=3)
scaler = StandardScaler().fit(X_train)
model = keras.Sequential([keras.Input((13,)), layers.Dense(32, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(scaler.transform(X_train), y_train, epochs=50, validation_data=(scaler.transform(X_val), y_val))
model.evaluate(scaler.transform(X_val), y_val)

(m_train, my_train), (m_test, my_test) = keras.datasets.mnist.load_data()
m_model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
m_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
m_model.fit(m_train / 255.0, my_train, epochs=3)
m_model.evaluate(m_test / 255.0, my_test)
