# idiom: multi-hot targets with a sigmoid output and loss objects (BinaryCrossentropy, binary focal CE)
import numpy as np
import keras
from keras import layers
from sklearn.preprocessing import MultiLabelBinarizer

genres = [["drama"], ["comedy", "romance"], ["action", "drama"], ["horror"]] * 300
Y = MultiLabelBinarizer().fit_transform(genres)
X = np.random.rand(len(genres), 32)
model = keras.Sequential([keras.Input((32,)), layers.Dense(64, activation="relu"), layers.Dense(Y.shape[1], activation="sigmoid")])
model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(), metrics=[keras.metrics.AUC(multi_label=True)])
model.fit(X, Y, epochs=10, batch_size=32)
model.compile(optimizer="adam", loss="binary_focal_crossentropy")
model.fit(X, Y, epochs=10, batch_size=32)
