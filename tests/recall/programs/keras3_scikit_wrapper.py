# fault: keras3-api
# Grid search through keras.wrappers.scikit_learn.
from keras.wrappers.scikit_learn import KerasClassifier
from keras.models import Sequential
from keras.layers import Dense
from sklearn.model_selection import GridSearchCV


def create_model():
    model = Sequential([Dense(12, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


clf = KerasClassifier(build_fn=create_model, epochs=10, batch_size=10)
grid = GridSearchCV(estimator=clf, param_grid={"batch_size": [10, 20]})
