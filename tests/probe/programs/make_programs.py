"""Generate the probe's truth set: correct training programs and buggy mutants of them, each with its known
cause in a header line (`# probe-truth: ...`, read by benchmarks/bench_probe_truth.py).

    .venv/bin/python tests/probe/programs/make_programs.py      # rewrite the *.py files next to this one

Every mutant is one textual mutation of a correct program (drop the scaling, raise the rate, swap the
activation or the loss, scale the labels, shuffle the labels alone, cut the epochs, ...); the ids after
`buggy` are the findings that name its cause (any one of them, confirmed, counts as right).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

BASES: dict[str, str] = {
    "binary_mlp": '''import numpy as np
import keras

rng = np.random.default_rng(1)
y = rng.integers(0, 2, 600)
x = rng.normal(size=(600, 10)) * 20 + 100 + y[:, None] * 12
x = (x - x.mean(axis=0)) / x.std(axis=0)
model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=20, batch_size=32, validation_split=0.2)
''',
    "binary_sgd": '''import numpy as np
import keras

rng = np.random.default_rng(2)
y = rng.integers(0, 2, 512)
x = (rng.normal(size=(512, 8)) + (2 * y[:, None] - 1) * 0.6).astype("float32")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=60, batch_size=64)
''',
    "multiclass": '''import numpy as np
import keras

rng = np.random.default_rng(3)
y = rng.integers(0, 5, 800)
centres = rng.normal(size=(5, 20)) * 2.0
x = (centres[y] + rng.normal(size=(800, 20))).astype("float32")
model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=15, batch_size=32, validation_split=0.2)
''',
    "onehot": '''import numpy as np
import keras

rng = np.random.default_rng(4)
labels = rng.integers(0, 4, 600)
x = (rng.normal(size=(600, 12)) + np.eye(4)[labels].repeat(3, axis=1) * 2.0).astype("float32")
y = keras.utils.to_categorical(labels, 4)
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=15, batch_size=32)
''',
    "multilabel": '''import numpy as np
import keras

rng = np.random.default_rng(5)
x = rng.normal(size=(600, 12)).astype("float32")
y = (x[:, :6] > 0.3).astype("float32")
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(6, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=15, batch_size=32)
''',
    "regression": '''import numpy as np
import keras

rng = np.random.default_rng(6)
x = rng.normal(size=(600, 6)).astype("float32")
y = (3.0 * x[:, 0] - 2.0 * x[:, 1] + x[:, 2] * x[:, 3] + 0.1 * rng.normal(size=600)).astype("float32")
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
model.fit(x, y, epochs=30, batch_size=32, validation_split=0.2)
''',
    "cnn": '''import numpy as np
import keras

rng = np.random.default_rng(7)
y = rng.integers(0, 2, 400)
images = rng.integers(0, 120, (400, 12, 12, 1)).astype("float32")
images[y == 1, :6, :6, :] += 120.0  # class 1: a bright top-left quadrant
x = images / 255.0
model = keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Conv2D(8, 3, activation="relu"),
                          keras.layers.MaxPooling2D(), keras.layers.Flatten(),
                          keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=10, batch_size=32, validation_split=0.2)
''',
}

# extra correct programs: (name, base, [(old, new)], what differs)
CORRECT_VARIANTS = [
    ("binary_mlp_sgd_momentum", "binary_mlp",
     [("keras.optimizers.Adam(learning_rate=1e-3)", "keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)")],
     "SGD with momentum instead of Adam"),
    ("regression_mae", "regression", [('loss="mse"', 'loss="mae"')], "mean absolute error"),
    ("multiclass_tanh", "multiclass", [('Dense(64, activation="relu")', 'Dense(64, activation="tanh")')],
     "a tanh hidden layer (fine at this depth)"),
    # an equivalent mutant: dropping the /255 leaves inputs 0..240, which Adam trains through here (measured)
    ("cnn_unscaled_adam", "cnn", [("x = images / 255.0", "x = images")],
     "raw 0..240 images, no /255 (Adam copes: an equivalent mutant)"),
]

# buggy mutants: (name, base, [(old, new)], causes, what the mutation does)
MUTANTS = [
    # binary_mlp
    ("binary_mlp_no_scaling", "binary_mlp", [("x = (x - x.mean(axis=0)) / x.std(axis=0)\n", "")],
     "LRN501 PRB009 PRB018", "drop the scaling: raw features around 100"),
    ("binary_mlp_lr_raised", "binary_mlp", [("learning_rate=1e-3", "learning_rate=5.0")],
     "LRN301 PRB005 PRB007 PRB003 PRB018", "raise the rate to 5"),
    ("binary_mlp_softmax_one_unit", "binary_mlp", [('Dense(1, activation="sigmoid")', 'Dense(1, activation="softmax")')],
     "LRN102", "swap the output activation: softmax on one unit"),
    ("binary_mlp_relu_output", "binary_mlp", [('Dense(1, activation="sigmoid")', 'Dense(1, activation="relu")')],
     "LRN103", "swap the output activation: relu into binary crossentropy"),
    ("binary_mlp_labels_div255", "binary_mlp", [("model = keras", "y = y / 255.0\nmodel = keras")],
     "PRB014", "scale the labels like the images"),
    ("binary_mlp_labels_shuffled", "binary_mlp", [("model = keras", "y = rng.permutation(y)\nmodel = keras")],
     "PRB004 LRN602", "shuffle the labels alone"),
    ("binary_mlp_constant_inputs", "binary_mlp", [("model = keras", "x = np.zeros_like(x)\nmodel = keras")],
     "PRB006 LRN601", "replace the inputs by zeros"),
    ("binary_mlp_dropout_high", "binary_mlp", [('keras.layers.Dense(32, activation="relu"),\n',
                                               'keras.layers.Dense(32, activation="relu"), keras.layers.Dropout(0.98),\n')],
     "LRN703", "a Dropout of 0.98 after the first hidden layer"),
    ("binary_mlp_labels_pm1", "binary_mlp", [("model = keras", "y = 2 * y - 1\nmodel = keras")],
     "PRB011 LRN604", "labels -1/1 into binary crossentropy"),
    # binary_sgd
    ("binary_sgd_one_epoch", "binary_sgd", [("epochs=60", "epochs=1")], "PRB017 LRN901", "cut the epochs to 1"),
    ("binary_sgd_lr_tiny", "binary_sgd", [("learning_rate=0.01", "learning_rate=1e-6")],
     "LRN302 PRB007 PRB018", "lower the rate to 1e-6"),
    ("binary_sgd_lr_huge", "binary_sgd", [("learning_rate=0.01", "learning_rate=50.0")],
     "LRN301 PRB005 PRB007 PRB018", "raise the rate to 50"),
    ("binary_sgd_sigmoid_hidden_deep", "binary_sgd",
     [('keras.layers.Dense(16, activation="relu"),',
       '*[keras.layers.Dense(16, activation="sigmoid") for _ in range(6)],')],
     "LRN101 PRB008 PRB002 PRB018", "swap the hidden activations for sigmoid, six layers deep"),
    ("binary_sgd_no_scaling", "binary_sgd", [("model = keras", "x = x * 300 + 1000\nmodel = keras")],
     "LRN501 PRB009 PRB018", "drop the scaling: inputs around 1000"),
    # multiclass
    ("multiclass_categorical_on_integers", "multiclass", [('loss="sparse_categorical_crossentropy"',
                                                           'loss="categorical_crossentropy"')],
     "LRN202 PRB011", "swap the loss: categorical crossentropy on integer labels"),
    ("multiclass_too_few_units", "multiclass", [("Dense(5, activation=\"softmax\")", "Dense(3, activation=\"softmax\")")],
     "LRN205 PRB011 LRN604", "cut the output to 3 units for 5 classes"),
    ("multiclass_labels_div255", "multiclass", [("model = keras", "y = y / 255\nmodel = keras")],
     "PRB014", "scale the labels like the images"),
    ("multiclass_labels_shuffled", "multiclass", [("model = keras", "y = rng.permutation(y)\nmodel = keras")],
     "PRB004 LRN602", "shuffle the labels alone"),
    ("multiclass_lr_raised", "multiclass", [('optimizer="adam"', "optimizer=keras.optimizers.Adam(learning_rate=50.0)")],
     "LRN301 PRB005 PRB007 PRB003 PRB018", "raise the rate to 50"),
    ("multiclass_labels_from_one", "multiclass", [("model = keras", "y = y + 1\nmodel = keras")],
     "PRB011 LRN604", "labels 1..5 for a 5-unit output"),
    ("multiclass_binary_loss_three", "multiclass", [("rng.integers(0, 5, 800)", "rng.integers(0, 3, 800)"),
                                                    ("np.random.default_rng(3)\n", "np.random.default_rng(3)\n"),
                                                    ('keras.layers.Dense(5, activation="softmax")',
                                                     'keras.layers.Dense(1, activation="sigmoid")'),
                                                    ('loss="sparse_categorical_crossentropy"',
                                                     'loss="binary_crossentropy"')],
     "PRB011 LRN604", "three classes into one sigmoid unit with binary crossentropy"),
    # onehot
    ("onehot_sparse_loss", "onehot", [('loss="categorical_crossentropy"', 'loss="sparse_categorical_crossentropy"')],
     "LRN202 PRB011", "swap the loss: sparse crossentropy on one-hot rows"),
    ("onehot_sigmoid_output_mse", "onehot", [('Dense(4, activation="softmax")', 'Dense(4, activation="sigmoid")'),
                                             ('loss="categorical_crossentropy"', 'loss="mse"'),
                                             ('optimizer="adam"', "optimizer=keras.optimizers.SGD(learning_rate=0.01)")],
     "LRN203 PRB018 PRB007", "swap the loss for mse on a sigmoid output, plain SGD"),
    ("onehot_labels_shuffled", "onehot", [("y = keras.utils", "labels = rng.permutation(labels)\ny = keras.utils")],
     "PRB004 LRN602", "shuffle the labels alone"),
    # multilabel
    ("multilabel_softmax", "multilabel", [('Dense(6, activation="sigmoid")', 'Dense(6, activation="softmax")'),
                                          ('loss="binary_crossentropy"', 'loss="categorical_crossentropy"')],
     "PRB015 LRN103", "swap to softmax + categorical crossentropy on multi-hot labels"),
    # regression
    ("regression_targets_huge", "regression", [("model = keras", "y = y * 1e7 + 5e7\nmodel = keras")],
     "PRB016", "targets in the tens of millions"),
    ("regression_sigmoid_output", "regression", [("keras.layers.Dense(1)])", 'keras.layers.Dense(1, activation="sigmoid")])'),
                                                 ("model = keras", "y = y * 10 + 50\nmodel = keras")],
     "PRB016 LRN103", "a sigmoid output on targets around 50"),
    ("regression_relu_negative", "regression", [("keras.layers.Dense(1)])", 'keras.layers.Dense(1, activation="relu")])'),
                                                ("model = keras", "y = y - 10\nmodel = keras")],
     "PRB016", "a relu output on negative targets"),
    ("regression_lr_raised", "regression", [("learning_rate=1e-2", "learning_rate=20.0")],
     "LRN301 PRB005 PRB007 PRB003 PRB018", "raise the rate to 20"),
    ("regression_inputs_unscaled", "regression", [("x = rng.normal(size=(600, 6)).astype(\"float32\")\n",
                                                   "x = rng.normal(size=(600, 6)).astype(\"float32\")\n"),
                                                  ("model = keras", "x = x * 1000 + 5000\nmodel = keras")],
     "PRB009 LRN501 PRB018", "drop the scaling: inputs around 5000"),
    ("regression_sgd_lr_tiny", "regression", [("keras.optimizers.Adam(learning_rate=1e-2)",
                                               "keras.optimizers.SGD(learning_rate=1e-6)")],
     "LRN302 PRB007 PRB018", "SGD at 1e-6"),
    ("regression_one_epoch_sgd", "regression", [("keras.optimizers.Adam(learning_rate=1e-2)",
                                                 "keras.optimizers.SGD(learning_rate=1e-3)"),
                                                ("epochs=30, batch_size=32", "epochs=1, batch_size=128")],
     "PRB017 LRN901", "cut the epochs to 1 (plain SGD, large batches)"),
    # cnn
    ("cnn_lr_raised", "cnn", [('optimizer="adam"', "optimizer=keras.optimizers.Adam(learning_rate=1.0)")],
     "LRN301 PRB005 PRB007 PRB003 PRB018", "raise the rate to 1"),
    ("cnn_labels_div255", "cnn", [("x = images / 255.0", "x = images / 255.0\ny = y / 255.0")], "PRB014",
     "scale the labels with the images"),
    ("cnn_labels_shuffled", "cnn", [("x = images / 255.0", "x = images / 255.0\ny = rng.permutation(y)")],
     "PRB004 LRN602", "shuffle the labels alone"),
    ("cnn_softmax_one_unit", "cnn", [('Dense(1, activation="sigmoid")', 'Dense(1, activation="softmax")')],
     "LRN102", "softmax on one unit"),
]


def render(name: str, base: str, edits: list, truth: str, what: str) -> str:
    src = BASES[base]
    for old, new in edits:
        if old not in src:
            raise ValueError(f"{name}: {old!r} not in {base}")
        src = src.replace(old, new, 1)
    return f'"""{what} ({base}).\n\nGenerated by make_programs.py: edit that, not this."""\n# probe-truth: {truth}\n' + src


def programs() -> dict[str, str]:
    out = {f"correct_{b}.py": render(b, b, [], "correct", "the correct program") for b in BASES}
    for name, base, edits, what in CORRECT_VARIANTS:
        out[f"correct_{name}.py"] = render(name, base, edits, "correct", f"correct: {what}")
    for name, base, edits, causes, what in MUTANTS:
        out[f"buggy_{name}.py"] = render(name, base, edits, f"buggy {causes}", f"mutant: {what}")
    return out


def main() -> None:
    for old in HERE.glob("*_*.py"):
        if old.name.startswith(("correct_", "buggy_")):
            old.unlink()
    progs = programs()
    for name, text in progs.items():
        (HERE / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(progs)} programs to {HERE}")


if __name__ == "__main__":
    main()
