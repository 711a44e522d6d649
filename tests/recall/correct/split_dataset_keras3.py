# idiom: Keras 3 keras.utils.split_dataset on a scaled array pair
import numpy as np
import keras
from keras import layers

x = np.random.rand(2000, 20).astype("float32")
y = (x[:, :10].sum(axis=1) > 5).astype("int32")
train_ds, val_ds = keras.utils.split_dataset((x, y), left_size=0.8, shuffle=True, seed=1)
train_ds = train_ds.batch(32)
val_ds = val_ds.batch(32)
model = keras.Sequential([keras.Input((20,)), layers.Dense(32, activation="relu"), layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, epochs=10, validation_data=val_ds)
