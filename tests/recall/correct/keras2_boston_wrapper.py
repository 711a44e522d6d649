# idiom: the Keras 2 scikit-learn wrapper with a StandardScaler inside a Pipeline (boston housing, mse)
# allow: LRN001 LRN002 (Keras 2 code: it names what Keras 3 changed, nothing about the data)
import pandas as pd
from keras.models import Sequential
from keras.layers import Dense
from keras.wrappers.scikit_learn import KerasRegressor
from sklearn.model_selection import cross_val_score, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

dataframe = pd.read_csv("housing.csv", delim_whitespace=True, header=None)
dataset = dataframe.values
X = dataset[:, 0:13]
Y = dataset[:, 13]


def baseline_model():
    model = Sequential()
    model.add(Dense(13, input_dim=13, kernel_initializer="normal", activation="relu"))
    model.add(Dense(1, kernel_initializer="normal"))
    model.compile(loss="mean_squared_error", optimizer="adam")
    return model


estimators = [("standardize", StandardScaler()), ("mlp", KerasRegressor(build_fn=baseline_model, epochs=50, batch_size=5, verbose=0))]
pipeline = Pipeline(estimators)
results = cross_val_score(pipeline, X, Y, cv=KFold(n_splits=10))
