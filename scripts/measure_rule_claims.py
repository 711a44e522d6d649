"""Measure what the activation / loss / layers rules claim, on small synthetic data (needs the probe extra:
TensorFlow + Keras). Not a test: it trains tiny models for a minute and prints one line per claim, so the
rules' severities and messages can be checked against the installed Keras.

    .venv/bin/python scripts/measure_rule_claims.py
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def main() -> None:
    import keras
    from keras import layers

    rng = np.random.default_rng(0)

    def attempt(name, fn):
        try:
            print(f"{name}: {fn()}")
        except Exception as exc:  # the claim is that Keras refuses
            print(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:140]}")

    def train(x, y, head, loss, metrics=("accuracy",), epochs=20, lr=1e-2):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input(x.shape[1:]), layers.Dense(32, activation="relu"), *head])
        model.compile(keras.optimizers.Adam(lr), loss, metrics=list(metrics))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hist = model.fit(x, y, epochs=epochs, verbose=0).history
        return model, {k: round(v[-1], 3) for k, v in hist.items()}

    x3 = rng.normal(size=(512, 8)).astype("float32")
    y3 = (x3[:, 0] > 0).astype(int) + (x3[:, 1] > 0).astype(int)
    yb = (x3[:, 0] + x3[:, 1] > 0).astype("float32")
    sparse = keras.losses.SparseCategoricalCrossentropy

    # LRN102
    attempt("LRN102 softmax on 1 unit + BCE (accuracy stays at the positive share)",
            lambda: train(x3, yb, [layers.Dense(1, activation="softmax")], "binary_crossentropy")[1])
    # LRN103
    for label, head, loss in (
        ("softmax + sparse CE (reference)", [layers.Dense(3, activation="softmax")], sparse()),
        ("linear read as probabilities", [layers.Dense(3)], sparse()),
        ("relu read as probabilities", [layers.Dense(3, activation="relu")], sparse()),
        ("softmax with from_logits=True", [layers.Dense(3, activation="softmax")], sparse(from_logits=True)),
        ("sigmoid with sparse CE", [layers.Dense(3, activation="sigmoid")], sparse()),
        ("relu then Activation('softmax')", [layers.Dense(3, activation="relu"), layers.Activation("softmax")], sparse()),
    ):
        attempt(f"LRN103 {label}", lambda head=head, loss=loss: train(x3, y3, head, loss)[1])

    # LRN201, LRN203: 10 classes
    y10 = rng.integers(0, 10, 1024)
    x10 = rng.normal(size=(1024, 8)).astype("float32")
    x10[:, 0] += y10 * 0.6
    x10[:, 1] += (y10 % 3) * 1.0
    one_hot = keras.utils.to_categorical(y10, 10)
    for label, loss in (("categorical CE (reference)", "categorical_crossentropy"),
                        ("binary CE on softmax", "binary_crossentropy"), ("mse on softmax", "mse")):
        attempt(f"LRN201/203 {label}",
                lambda loss=loss: train(x10, one_hot, [layers.Dense(10, activation="softmax")], loss)[1])

    def class_index_regression():
        model, hist = train(x10, y10.astype("float32"), [layers.Dense(1)], "mse", metrics=(), epochs=30)
        pred = np.clip(np.rint(model.predict(x10, verbose=0)[:, 0]), 0, 9)
        return {"rounded accuracy": round(float(np.mean(pred == y10)), 3), **hist}

    attempt("LRN203 mse on class indices, linear output", class_index_regression)
    attempt("LRN201 categorical CE on 1 unit (loss constant 0)",
            lambda: train(x3, yb, [layers.Dense(1, activation="sigmoid")], "categorical_crossentropy", epochs=3)[1])
    # LRN202, LRN701, LRN702, LRN204: errors or meaningless numbers
    attempt("LRN202 sparse CE with one-hot labels",
            lambda: train(x10, one_hot, [layers.Dense(10, activation="softmax")], "sparse_categorical_crossentropy", epochs=1))
    attempt("LRN202 categorical CE with integer labels",
            lambda: train(x10, y10, [layers.Dense(10, activation="softmax")], "categorical_crossentropy", epochs=1))

    def dense_on_map():
        model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        return model.fit(rng.random((32, 8, 8, 1)), y3[:32], epochs=1, verbose=0).history

    attempt("LRN701 Dense on a 4-D map", dense_on_map)
    attempt("LRN702 5x5 kernel on a 3x3 map", lambda: keras.Sequential(
        [keras.Input((8, 8, 1)), layers.Conv2D(8, 3), layers.MaxPooling2D(), layers.Conv2D(8, 5)]).output_shape)
    target = x3 @ np.arange(8, dtype="float32") * 3
    attempt("LRN204 accuracy with mse on continuous targets",
            lambda: train(x3, target, [layers.Dense(1)], "mse", epochs=30)[1])

    # LRN801: five relu Dense(32) layers with constant kernels, Adam, 30 epochs, a non-linear regression
    xr = rng.normal(size=(2000, 8)).astype("float32")
    yr = (np.sin(xr[:, 0]) + xr[:, 1] * xr[:, 2] + 0.5 * np.abs(xr[:, 3])).astype("float32")

    def constant_kernels(kernel, bias):
        keras.utils.set_random_seed(0)
        x = inp = keras.Input((8,))
        for _ in range(5):
            x = layers.Dense(32, activation="relu", kernel_initializer=kernel, bias_initializer=bias)(x)
        model = keras.Model(inp, layers.Dense(1)(x))
        model.compile("adam", "mse")
        hist = model.fit(xr, yr, epochs=30, batch_size=32, verbose=0).history["loss"]
        units = len({tuple(np.round(col, 5)) for col in model.layers[1].get_weights()[0].T})
        return {"target variance": round(float(yr.var()), 3), "loss": (round(hist[0], 3), round(hist[-1], 3)),
                "distinct first-layer units": f"{units}/32"}

    for kernel, bias in (("glorot_uniform", "zeros"), ("zeros", "ones"), ("zeros", "zeros")):
        attempt(f"LRN801 kernel={kernel} bias={bias}", lambda k=kernel, b=bias: constant_kernels(k, b))


if __name__ == "__main__":
    main()
