"""Measure what the activation / loss / layers rules claim, on small synthetic data (needs the probe extra:
TensorFlow + Keras). Not a test: it trains tiny models for a minute and prints one line per claim, so the
rules' severities and messages can be checked against the installed Keras.

    .venv/bin/python scripts/measure_rule_claims.py            # every section
    .venv/bin/python scripts/measure_rule_claims.py lr depth   # only these sections

Sections: `claims` (activation / loss / layers rules), `lr` (LRN301: the highest rate each architecture and
optimizer tolerates), `depth` (LRN101: stacked saturating layers, scaled and unscaled inputs), `more` (the
severities of the data / optimizer / init / training rules).
"""

from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import sys  # noqa: E402

import numpy as np  # noqa: E402


def claims() -> None:
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


def quiet_fit(model, x, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(x, y, verbose=0, **kw).history


def lr_ceiling(seeds=(0, 1), rates=(1e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)) -> None:
    """LRN301: train each architecture with each optimizer at each rate; a run works when its final training
    loss is finite and at most half the loss of the best constant prediction. Prints the highest rate that
    works for every seed, and every rate that fails."""
    import keras
    from keras import layers

    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 8)).astype("float32")
    w = rng.normal(size=8).astype("float32")
    y_lin = x @ w + 0.1 * rng.normal(size=512).astype("float32")
    y_bin = (x @ w > 0).astype("float32")
    y3 = ((x[:, 0] * x[:, 1] > 0).astype(int) + (x[:, 2] > 0.5).astype(int))
    img = rng.normal(scale=0.3, size=(512, 12, 12, 1)).astype("float32")
    y4 = rng.integers(0, 4, 512)
    for i, q in enumerate(y4):  # a bright 3x3 patch in the quadrant of the class
        r, c = divmod(int(q), 2)
        img[i, r * 6 + 1:r * 6 + 4, c * 6 + 1:c * 6 + 4, 0] += 1.0
    prior3 = np.bincount(y3) / len(y3)

    def dense_stack(n, units):
        return [layers.Dense(units, activation="relu") for _ in range(n)]

    tasks = {  # name: (x, y, layers, loss, loss of the best constant prediction)
        "linear regression (no hidden layer)": (x, y_lin, lambda: [layers.Dense(1)], "mse", float(np.var(y_lin))),
        "logistic regression (no hidden layer)": (x, y_bin, lambda: [layers.Dense(1, activation="sigmoid")],
                                                  "binary_crossentropy", float(np.log(2))),
        "MLP, 1 hidden layer": (x, y3, lambda: [*dense_stack(1, 32), layers.Dense(3, activation="softmax")],
                                "sparse_categorical_crossentropy", float(-(prior3 * np.log(prior3)).sum())),
        "MLP, 4 hidden layers": (x, y3, lambda: [*dense_stack(4, 64), layers.Dense(3, activation="softmax")],
                                 "sparse_categorical_crossentropy", float(-(prior3 * np.log(prior3)).sum())),
        "small CNN (2 conv)": (img, y4, lambda: [layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(),
                                                 layers.Conv2D(16, 3, activation="relu"), layers.Flatten(),
                                                 layers.Dense(4, activation="softmax")],
                               "sparse_categorical_crossentropy", float(np.log(4))),
    }
    optimizers = {
        "Adam": lambda lr: keras.optimizers.Adam(lr),
        "SGD": lambda lr: keras.optimizers.SGD(lr),
        "SGD momentum 0.9": lambda lr: keras.optimizers.SGD(lr, momentum=0.9),
    }
    for tname, (xs, ys, head, loss, base) in tasks.items():
        for oname, make in optimizers.items():
            ok_rates, failed = [], []
            for lr in rates:
                finals = []
                for seed in seeds:
                    keras.utils.set_random_seed(seed)
                    model = keras.Sequential([keras.Input(xs.shape[1:]), *head()])
                    model.compile(make(lr), loss)
                    finals.append(quiet_fit(model, xs, ys, epochs=15, batch_size=32)["loss"][-1])
                works = all(np.isfinite(f) and f <= 0.5 * base for f in finals)
                (ok_rates if works else failed).append(lr)
                print(f"  {tname} | {oname} | lr {lr:g}: final loss / constant {[round(f / base, 3) for f in finals]}"
                      f" -> {'works' if works else 'fails'}", flush=True)
            print(f"LRN301 {tname} | {oname}: highest working rate {max(ok_rates) if ok_rates else None}; "
                  f"fails at {failed}", flush=True)


def saturating_depth(seeds=(0, 1)) -> None:
    """LRN101: accuracy after 20 epochs (Adam 1e-3) of n stacked sigmoid/tanh/relu Dense layers, on
    standardised inputs and on the same inputs times 100."""
    import keras
    from keras import layers

    rng = np.random.default_rng(0)
    x = rng.normal(size=(1024, 8)).astype("float32")
    y = ((x[:, 0] * x[:, 1] > 0).astype(int) + (x[:, 2] > 0.5).astype(int))
    for scale in (1.0, 100.0):
        for depth in (1, 2, 4, 8):
            row = {}
            for act in ("relu", "sigmoid", "tanh"):
                accs = []
                for seed in seeds:
                    keras.utils.set_random_seed(seed)
                    model = keras.Sequential([keras.Input((8,)), *[layers.Dense(32, activation=act) for _ in range(depth)],
                                              layers.Dense(3, activation="softmax")])
                    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
                    accs.append(quiet_fit(model, x * scale, y, epochs=20, batch_size=32)["accuracy"][-1])
                row[act] = round(float(np.mean(accs)), 3)
            print(f"LRN101 inputs x{scale:g}, {depth} hidden layer(s): accuracy {row}", flush=True)


def more() -> None:
    """The data / optimizer / init / training rules: what Keras 3 does with each mistake."""
    import keras
    from keras import layers

    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y3 = ((x[:, 0] > 0).astype(int) + (x[:, 1] > 0).astype(int))

    def attempt(name, fn):
        try:
            print(f"{name}: {fn()}", flush=True)
        except Exception as exc:
            print(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:140]}", flush=True)

    def mlp(out=3, act="softmax", **dense):
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu", **dense),
                                 layers.Dense(out, activation=act)])

    def run(model, opt, loss, xs=x, ys=y3, epochs=20, **kw):
        model.compile(opt, loss, metrics=["accuracy"])
        h = quiet_fit(model, xs, ys, epochs=epochs, **kw)
        return {k: [round(v[0], 3), round(v[-1], 3)] for k, v in h.items()} if h else h

    sce = "sparse_categorical_crossentropy"
    attempt("reference Adam 1e-3, 20 epochs", lambda: run(mlp(), keras.optimizers.Adam(1e-3), sce))
    attempt("LRN302 Adam 1e-7 (loss first/last)", lambda: run(mlp(), keras.optimizers.Adam(1e-7), sce))
    attempt("LRN302 Adam 0", lambda: run(mlp(), keras.optimizers.Adam(0.0), sce))
    attempt("LRN302 SGD -0.01", lambda: run(mlp(), keras.optimizers.SGD(-0.01), sce))
    attempt("LRN401 Adam(decay=0.01)", lambda: type(keras.optimizers.Adam(1e-3, decay=0.01)).__name__)
    attempt("LRN001 Adam(lr=0.01)", lambda: keras.optimizers.Adam(lr=0.01))
    attempt("LRN001 fit(nb_epoch=2)", lambda: run(mlp(), "adam", sce, epochs=1, nb_epoch=2))
    attempt("LRN402 SGD(momentum=1.5)", lambda: run(mlp(), keras.optimizers.SGD(0.01, momentum=1.5), sce))
    attempt("LRN402 Adam(beta_1=1.0)", lambda: run(mlp(), keras.optimizers.Adam(1e-3, beta_1=1.0), sce))
    attempt("LRN402 Adam(epsilon=0)", lambda: run(mlp(), keras.optimizers.Adam(1e-3, epsilon=0.0), sce))

    def shared():
        opt = keras.optimizers.Adam(1e-3)
        a, b = mlp(), mlp()
        run(a, opt, sce, epochs=1)
        return run(b, opt, sce, epochs=1)

    attempt("LRN402 one Adam compiled into two models", shared)
    attempt("LRN601 constant inputs (ones)", lambda: run(mlp(), "adam", sce, xs=np.ones_like(x)))
    attempt("LRN602 random labels (train accuracy rises, nothing to generalise)",
            lambda: run(mlp(), "adam", sce, ys=rng.integers(0, 3, 256), epochs=20))
    ordered = np.sort(y3)
    attempt("LRN603 validation_split on class-ordered labels",
            lambda: run(mlp(), "adam", sce, ys=ordered, xs=x[np.argsort(y3)], validation_split=0.2))
    attempt("LRN604 label 2 with a 1-unit sigmoid + BCE",
            lambda: run(mlp(1, "sigmoid"), "adam", "binary_crossentropy", ys=y3.astype("float32")))
    attempt("LRN604 labels 1..3 with 3 units + sparse CE", lambda: run(mlp(), "adam", sce, ys=y3 + 1, epochs=1))
    attempt("LRN604 label -1 with sparse CE", lambda: run(mlp(), "adam", sce, ys=y3 - 1, epochs=1))
    attempt("LRN205 4 units for 3 classes", lambda: run(mlp(4), "adam", sce))
    attempt("LRN205 2 units for 3 classes", lambda: run(mlp(2), "adam", sce, epochs=1))
    attempt("LRN703 Dropout(0.8)", lambda: run(keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                                                  layers.Dropout(0.8), layers.Dense(3, activation="softmax")]),
                                                "adam", sce))
    attempt("LRN703 Dropout(1.0) (Keras 3 accepts it)", lambda: run(keras.Sequential(
        [keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(1.0), layers.Dense(3, activation="softmax")]),
        "adam", sce, epochs=5))
    attempt("LRN801 zeros kernel, relu hidden", lambda: run(mlp(kernel_initializer="zeros"), "adam", sce))
    attempt("LRN801 zeros kernel, tanh hidden", lambda: run(keras.Sequential(
        [keras.Input((8,)), layers.Dense(16, activation="tanh", kernel_initializer="zeros"),
         layers.Dense(3, activation="softmax")]), "adam", sce))
    attempt("LRN802 RandomNormal(stddev=5) before sigmoid", lambda: run(keras.Sequential(
        [keras.Input((8,)), layers.Dense(16, activation="sigmoid", kernel_initializer=keras.initializers.RandomNormal(stddev=5.0)),
         layers.Dense(3, activation="softmax")]), "adam", sce))
    attempt("LRN901 epochs=0", lambda: run(mlp(), "adam", sce, epochs=0))
    attempt("LRN902 batch_size 1024 > 256 samples, 20 epochs", lambda: run(mlp(), "adam", sce, batch_size=1024))

    def bn_batch_one():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.BatchNormalization(),
                                  layers.Activation("relu"), layers.Dense(3, activation="softmax")])
        h = run(model, "adam", sce, epochs=3, batch_size=1)
        return {**h, "eval accuracy (inference statistics)": round(model.evaluate(x, y3, verbose=0)[1], 3)}

    attempt("LRN903 batch_size=1 with BatchNormalization", bn_batch_one)
    attempt("LRN104 two Dense layers, no activation (linear model)", lambda: run(keras.Sequential(
        [keras.Input((8,)), layers.Dense(16), layers.Dense(3, activation="softmax")]), "adam", sce, epochs=40))
    attempt("LRN104 reference: relu between", lambda: run(mlp(), "adam", sce, epochs=40))


SECTIONS = {"claims": claims, "lr": lr_ceiling, "depth": saturating_depth, "more": more}


def main(argv: list[str]) -> None:
    names = argv or list(SECTIONS)
    for name in names:
        if name not in SECTIONS:
            raise SystemExit(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")
    for name in names:
        print(f"## {name}", flush=True)
        SECTIONS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
