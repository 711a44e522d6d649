# idiom: Keras backend utilities that Keras 3 still has (clear_session, epsilon, int_shape via ops), model shapes
import numpy as np
import keras
from keras import backend as K
from keras import layers

K.clear_session()
eps = K.epsilon()
X = np.random.rand(500, 4)
y = (X[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])
print(model.input_shape, model.output_shape, model.layers[-1].output.shape, eps)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=20, batch_size=32)
