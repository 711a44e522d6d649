# fault: keras3-api
# Augmentation with ImageDataGenerator imported from keras.preprocessing.image.
from keras.preprocessing.image import ImageDataGenerator
from keras.models import Sequential
from keras.layers import Conv2D, Flatten, Dense

datagen = ImageDataGenerator(rescale=1.0 / 255, horizontal_flip=True)
train = datagen.flow_from_directory("data/train", target_size=(64, 64), batch_size=32, class_mode="binary")
model = Sequential([Conv2D(16, (3, 3), activation="relu", input_shape=(64, 64, 3)), Flatten(),
                    Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train, epochs=10)
