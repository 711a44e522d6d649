# idiom: image_dataset_from_directory with validation_split and a Rescaling layer
import keras
from keras import layers

train_ds = keras.utils.image_dataset_from_directory("photos", validation_split=0.2, subset="training", seed=123, image_size=(180, 180), batch_size=32)
val_ds = keras.utils.image_dataset_from_directory("photos", validation_split=0.2, subset="validation", seed=123, image_size=(180, 180), batch_size=32)
model = keras.Sequential([
    keras.Input((180, 180, 3)),
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(train_ds, validation_data=val_ds, epochs=10)
