# fault: decay
# SGD with decay=1e-2: a schedule Keras 3 silently drops.
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
from keras.optimizers import SGD

x = np.random.rand(5000, 20)
y = (x[:, :10].sum(axis=1) > 5).astype(int)
model = Sequential([Dense(64, activation="relu", input_dim=20), Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=0.1, decay=1e-2, momentum=0.9))
model.fit(x, y, epochs=20, batch_size=32)
