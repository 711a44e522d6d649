# fault: keras3-api
# Printing each layer's output_shape (Keras 2 attribute).
import keras
from keras import layers

model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"), layers.Flatten(),
                          layers.Dense(10, activation="softmax")])
for i in range(len(model.layers)):
    print(model.layers[i].name, model.layers[i].output_shape)
