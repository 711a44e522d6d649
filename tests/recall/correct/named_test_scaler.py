# idiom: scalers named after the split they serve but fitted on the training split
import keras
from keras import layers
from sklearn.datasets import fetch_california_housing
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, StandardScaler

X, y = fetch_california_housing(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
test_scaler = StandardScaler().fit(X_train)
X_train = test_scaler.transform(X_train)
X_test = test_scaler.transform(X_test)
target_scaler = MinMaxScaler()
target_scaler.partial_fit(y_train.reshape(-1, 1))
y_train = target_scaler.transform(y_train.reshape(-1, 1))
y_test = target_scaler.transform(y_test.reshape(-1, 1))
model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
preds = target_scaler.inverse_transform(model.predict(X_test))
