# idiom: short split names; the scaler is fitted on train_test_split's first (training) output, applied to both
import numpy as np
import keras
from keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X = np.random.normal(50, 20, size=(3000, 5))
y = (X[:, 0] > X[:, 1]).astype(int)
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.1, random_state=3)
sc = StandardScaler()
Xa = sc.fit_transform(Xa)
Xb = sc.transform(Xb)
model = keras.Sequential([keras.Input((5,)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(Xa, ya, epochs=20, validation_data=(Xb, yb))
