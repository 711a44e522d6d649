# idiom: time series split by position, MinMaxScaler fitted on the training part only
import numpy as np
import keras
from keras import layers
from sklearn.preprocessing import MinMaxScaler

series = np.loadtxt("airline.csv", delimiter=",", skiprows=1, usecols=1).reshape(-1, 1)
n_train = int(len(series) * 0.67)
train, test = series[:n_train], series[n_train:]
scaler = MinMaxScaler(feature_range=(0, 1))
train = scaler.fit_transform(train)
test = scaler.transform(test)


def windows(data, look_back=3):
    xs, ys = [], []
    for i in range(len(data) - look_back):
        xs.append(data[i:i + look_back, 0])
        ys.append(data[i + look_back, 0])
    return np.array(xs), np.array(ys)


trainX, trainY = windows(train)
testX, testY = windows(test)
model = keras.Sequential([keras.Input((3,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
model.compile(loss="mean_squared_error", optimizer="adam")
model.fit(trainX, trainY, epochs=100, batch_size=2, validation_data=(testX, testY))
testPredict = scaler.inverse_transform(model.predict(testX))
