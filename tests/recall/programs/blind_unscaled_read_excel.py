# fault: unscaled-inputs
# (written before running the checker) Spreadsheet columns (income, age, balance) into a sigmoid network.
import pandas as pd
import tensorflow as tf

df = pd.read_excel("customers.xlsx")
X = df.iloc[:, 1:-1].to_numpy(dtype="float32")
y = df.iloc[:, -1].to_numpy()
model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="sigmoid", input_shape=(X.shape[1],)),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=100, batch_size=32)
