# idiom: a Normalization layer adapted to the training inputs (the model scales every split itself)
import numpy as np
import keras
from keras import layers
from sklearn.model_selection import train_test_split

data = np.loadtxt("housing.csv", delimiter=",", skiprows=1)
X, y = data[:, :-1], data[:, -1]
x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
norm = layers.Normalization()
norm.adapt(x_train)
model = keras.Sequential([keras.Input((X.shape[1],)), norm, layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=50, validation_data=(x_test, y_test))
model.evaluate(x_test, y_test)
