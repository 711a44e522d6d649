# fault: multi-label
# Several tags per sample trained as a single-label softmax.
from sklearn.datasets import make_multilabel_classification
from keras.models import Sequential
from keras.layers import Dense

X, Y = make_multilabel_classification(n_samples=2000, n_features=30, n_classes=8, n_labels=3)
model = Sequential()
model.add(Dense(128, activation="relu", input_dim=30))
model.add(Dense(8, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X, Y, epochs=20, batch_size=32)
