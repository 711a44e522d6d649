# fault: multi-label
# Multi-label targets split with train_test_split, softmax + categorical crossentropy.
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import train_test_split
from tensorflow import keras

X, Y = make_multilabel_classification(n_samples=3000, n_features=20, n_classes=6)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.25)
model = keras.Sequential([keras.layers.Dense(64, activation="relu", input_shape=(20,)),
                          keras.layers.Dense(6, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(X_train, Y_train, validation_data=(X_test, Y_test), epochs=15)
