# idiom: ImageDataGenerator(rescale=1/255) for training and validation (tf.keras, TF 2.x)
import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator

train_gen = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True, rotation_range=15)
val_gen = ImageDataGenerator(rescale=1 / 255.0)
train_flow = train_gen.flow_from_directory("data/train", target_size=(150, 150), batch_size=32, class_mode="binary")
val_flow = val_gen.flow_from_directory("data/val", target_size=(150, 150), batch_size=32, class_mode="binary")
model = tf.keras.Sequential([
    tf.keras.Input((150, 150, 3)),
    tf.keras.layers.Conv2D(32, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(64, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_flow, epochs=20, validation_data=val_flow)
