# idiom: StandardScaler + PCA fitted on the training split, applied to the test split
import keras
from keras import layers
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
scaler = StandardScaler().fit(X_train)
pca = PCA(n_components=20).fit(scaler.transform(X_train))
X_train = pca.transform(scaler.transform(X_train))
X_test = pca.transform(scaler.transform(X_test))
model = keras.Sequential([keras.Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
model.evaluate(X_test, y_test)
