# idiom: scaled copies under new names (X_train_s / X_test_s), used for fit, validation and evaluate
import keras
from keras import layers
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, stratify=data.target)
sc = StandardScaler()
X_train_s = sc.fit_transform(X_train)
X_test_s = sc.transform(X_test)
model = keras.Sequential([keras.Input((30,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X_train_s, y_train, epochs=50, batch_size=16, validation_data=(X_test_s, y_test))
print(model.evaluate(X_test_s, y_test))
preds = model.predict(X_test_s)
