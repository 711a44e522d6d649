# idiom: 16-bit audio samples divided by 32768 (scaled once to [-1, 1])
import numpy as np
import keras
from keras import layers
from scipy.io import wavfile

rate, wav = wavfile.read("speech.wav")
frames = wav[: (len(wav) // 1600) * 1600].reshape(-1, 1600).astype("float32") / 32768.0
labels = np.loadtxt("frame_labels.txt").astype("int32")
model = keras.Sequential([keras.Input((1600,)), layers.Dense(128, activation="relu"), layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(frames, labels, epochs=10, batch_size=32, validation_split=0.2)
