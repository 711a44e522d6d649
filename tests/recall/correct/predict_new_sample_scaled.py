# idiom: predicting one new hand-typed sample passed through the fitted scaler
import numpy as np
import keras
from keras import layers
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

X, y = load_iris(return_X_y=True)
scaler = StandardScaler()
X = scaler.fit_transform(X)
model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=100, batch_size=8)
sample = np.array([[5.1, 3.5, 1.4, 0.2]])
print(model.predict(scaler.transform(sample)))
