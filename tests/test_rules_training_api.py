"""Regularization, initialization, epochs, batch-size and api rules: LRN703, LRN801, LRN802, LRN901-903, LRN001."""

from __future__ import annotations

import pytest
from conftest import rule_ids
from fixcheck import apply_fix, findings_of

from learnability.config import Config
from learnability.findings import Severity

DATA = """
import numpy as np
from tensorflow import keras
X = np.random.rand(100, 8)
y = (X[:, 0] > 0.5).astype(int)
"""


# ----------------------------------------------------------------- LRN703
@pytest.mark.parametrize("layer, severity", [
    ("keras.layers.Dropout(0.6)", Severity.INFO),
    ("keras.layers.Dropout(rate=0.8)", Severity.INFO),  # measured: trains about as well on a toy task
    ("keras.layers.SpatialDropout2D(0.9)", Severity.INFO),
    ("keras.layers.Dropout(1.0)", Severity.ERROR),
    ("keras.layers.Dropout(p=0.7)", Severity.INFO),  # Keras 1 keyword
    ("keras.layers.LSTM(8, dropout=0.8)", Severity.INFO),
])
def test_high_dropout(layer, severity):
    src = f"from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(8), {layer}])\n"
    found = findings_of(src, "LRN703")
    assert [f.severity for f in found] == [severity]


def test_dropout_rate_from_a_constant_and_from_import_alias():
    src = """
    from keras.layers import Dropout as Drop, Dense
    from keras.models import Sequential
    DROP = 0.75
    m = Sequential()
    m.add(Dense(8, activation="relu"))
    m.add(Drop(DROP))
    """
    assert rule_ids(src).count("LRN703") == 1
    out = apply_fix(src, "LRN703")
    assert "m.add(Drop(0.5))" in out


@pytest.mark.parametrize("layer", ["keras.layers.Dropout(0.5)", "keras.layers.Dropout(0.2)", "keras.layers.Dropout(rate)",
                                   "keras.layers.GaussianNoise(0.9)"])
def test_usual_dropout_is_fine(layer):
    assert "LRN703" not in rule_ids(f"from tensorflow import keras\nm = keras.Sequential([{layer}])\n")


def test_dropout_threshold_is_configurable():
    src = "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dropout(0.4)])\n"
    assert "LRN703" not in rule_ids(src)
    assert "LRN703" in rule_ids(src, Config().merged({"thresholds": {"dropout_max": 0.3}}))


# ----------------------------------------------------------------- LRN801
def test_zero_kernel_with_relu_is_an_error_and_fixed_to_he_normal():
    src = """
    from tensorflow import keras
    model = keras.Sequential([
        keras.layers.Dense(64, activation="relu", kernel_initializer='zeros'),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    """
    found = findings_of(src, "LRN801")
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    out = apply_fix(src, "LRN801")
    assert "kernel_initializer='he_normal'" in out


@pytest.mark.parametrize("init", [
    "keras.initializers.Constant(0.5)", "keras.initializers.Ones()", "tf.keras.initializers.Zeros()",
    "tf.zeros_initializer()", "tf.constant_initializer(0.1)", "'ones'", "init_const",
])
def test_constant_kernels_are_reported_in_hidden_layers(init):
    src = f"""
import tensorflow as tf
from tensorflow import keras
init_const = keras.initializers.Constant(value=0.2)
model = keras.Sequential([keras.layers.Conv2D(8, 3, activation="tanh", kernel_initializer={init}),
                          keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid")])
"""
    found = findings_of(src, "LRN801")
    assert len(found) == 1
    assert '"glorot_uniform"' in apply_fix(src, "LRN801") or "'glorot_uniform'" in apply_fix(src, "LRN801")


def test_keras2_init_keyword_in_functional_model():
    src = """
    from keras.layers import Input, Dense
    from keras.models import Model
    inputs = Input(shape=(8,))
    h = Dense(16, activation="relu", init="zero")(inputs)
    outputs = Dense(1, activation="sigmoid")(h)
    model = Model(inputs, outputs)
    """
    found = findings_of(src, "LRN801")
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    assert 'init="he_normal"' in apply_fix(src, "LRN801")


@pytest.mark.parametrize("src", [
    # zero-initialising the output layer is harmless (and sometimes done on purpose)
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(8, activation='relu'), "
    "keras.layers.Dense(1, kernel_initializer='zeros')])\n",
    # zero biases are the default and fine
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(8, activation='relu', bias_initializer='zeros'), "
    "keras.layers.Dense(1)])\n",
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(8, activation='relu', kernel_initializer='he_normal'), "
    "keras.layers.Dense(1)])\n",
    # Constant(array) loads given weights, it is not a constant initialiser
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(8, activation='relu', "
    "kernel_initializer=keras.initializers.Constant(pretrained)), keras.layers.Dense(1)])\n",
])
def test_random_kernels_and_zero_output_or_bias_are_fine(src):
    assert "LRN801" not in rule_ids(src)


# ----------------------------------------------------------------- LRN802
def test_large_stddev_before_sigmoid():
    src = """
    from tensorflow import keras
    from tensorflow.keras import initializers
    model = keras.Sequential([
        keras.layers.Dense(64, activation="sigmoid", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=5.0)),
        keras.layers.Dense(64, activation="tanh", kernel_initializer=initializers.RandomUniform(-10, 10)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    """
    found = findings_of(src, "LRN802")
    assert len(found) == 2 and all(f.severity is Severity.INFO for f in found)  # measured: slower, not stuck
    out = apply_fix(src, "LRN802")
    assert 'kernel_initializer="glorot_uniform")' in out


def test_large_stddev_positional_with_following_activation_layer():
    src = """
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(8, 3, kernel_initializer=tf.keras.initializers.RandomNormal(0.0, 2.0)),
        tf.keras.layers.Activation("tanh"),
    ])
    """
    assert rule_ids(src).count("LRN802") == 1


@pytest.mark.parametrize("layer", [
    "keras.layers.Dense(8, activation='relu', kernel_initializer=keras.initializers.RandomNormal(stddev=5.0))",
    "keras.layers.Dense(8, activation='tanh', kernel_initializer=keras.initializers.RandomNormal(stddev=0.05))",
    "keras.layers.Dense(8, activation='sigmoid', kernel_initializer='random_normal')",
])
def test_small_stddev_or_non_saturating_activation_is_fine(layer):
    assert "LRN802" not in rule_ids(f"from tensorflow import keras\nm = keras.Sequential([{layer}])\n")


def test_stddev_threshold_is_configurable():
    src = ("from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(8, activation='tanh', "
           "kernel_initializer=keras.initializers.RandomNormal(stddev=0.5))])\n")
    assert "LRN802" not in rule_ids(src)
    assert "LRN802" in rule_ids(src, Config().merged({"thresholds": {"init_stddev_max": 0.1}}))


# ----------------------------------------------------------------- LRN901
MODEL = """
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.BatchNormalization(),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


def test_zero_epochs_is_an_error():
    found = findings_of(DATA + MODEL + "model.fit(X, y, epochs=0)\n", "LRN901")
    assert [f.severity for f in found] == [Severity.ERROR]


def test_one_epoch_from_a_module_constant_is_information_with_a_fix_at_the_constant():
    src = DATA + "EPOCHS = 1\n" + MODEL + "model.fit(X, y, epochs=EPOCHS)\n"
    found = findings_of(src, "LRN901")
    assert [f.severity for f in found] == [Severity.INFO]
    out = apply_fix(src, "LRN901")
    assert "EPOCHS = 10" in out


@pytest.mark.parametrize("fit", ["model.fit(X, y, nb_epoch=1)", "model.fit(X, y, 32, 1)",
                                 "model.fit(X, y, epochs=5, initial_epoch=5)"])
def test_epochs_in_keras2_positional_and_initial_epoch_spellings(fit):
    assert "LRN901" in rule_ids(DATA + MODEL + fit + "\n")


@pytest.mark.parametrize("fit", ["model.fit(X, y, epochs=20)", "model.fit(X, y)", "model.fit(X, y, epochs=n_epochs)",
                                 "model.fit(X, y, epochs=10, initial_epoch=5)"])
def test_several_or_unknown_epochs_are_fine(fit):
    assert "LRN901" not in rule_ids(DATA + MODEL + fit + "\n")


# ----------------------------------------------------------------- LRN902
def test_batch_larger_than_the_data():
    found = findings_of(DATA + MODEL + "model.fit(X, y, epochs=5, batch_size=512)\n", "LRN902")
    assert len(found) == 1 and "100 training samples" in found[0].message
    assert "batch_size=32" in apply_fix(DATA + MODEL + "model.fit(X, y, epochs=5, batch_size=512)\n", "LRN902")


def test_batch_larger_than_the_training_part_after_validation_split_with_constant():
    src = DATA + "batch_size = 96\n" + MODEL + "model.fit(X, y, batch_size=batch_size, epochs=5, validation_split=0.2)\n"
    found = findings_of(src, "LRN902")
    assert len(found) == 1 and "80 training samples" in found[0].message
    assert "batch_size = 32" in apply_fix(src, "LRN902")


@pytest.mark.parametrize("fit", ["model.fit(X, y, epochs=5, batch_size=100)", "model.fit(X, y, epochs=5, batch_size=32)",
                                 "model.fit(X_unknown, y, epochs=5, batch_size=4096)"])
def test_batch_within_the_data_or_unknown_size_is_fine(fit):
    assert "LRN902" not in rule_ids(DATA + MODEL + fit + "\n")


# ----------------------------------------------------------------- LRN903
def test_batch_of_one_with_batchnorm():
    src = DATA + "batch_size = 1\n" + MODEL + "model.fit(X, y, epochs=5, batch_size=batch_size)\n"
    found = findings_of(src, "LRN903")
    assert len(found) == 1 and found[0].related
    assert "batch_size = 32" in apply_fix(src, "LRN903")


def test_batch_of_one_without_batchnorm_is_fine():
    src = DATA + ("model = keras.Sequential([keras.layers.Dense(8, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])\n"
                  "model.compile(optimizer='adam', loss='binary_crossentropy')\nmodel.fit(X, y, epochs=5, batch_size=1)\n")
    assert "LRN903" not in rule_ids(src)


# ----------------------------------------------------------------- LRN001
@pytest.mark.parametrize("call, old, new", [
    ("keras.optimizers.Adam(lr=0.001)", "lr=", "learning_rate="),
    ("keras.layers.Dense(output_dim=64)", "output_dim=", "units="),
    ("keras.layers.Dense(64, init='he_normal')", "init=", "kernel_initializer="),
    ("keras.layers.Conv2D(32, 3, border_mode='same')", "border_mode=", "padding="),
    ("keras.layers.Conv2D(32, 3, subsample=(2, 2))", "subsample=", "strides="),
    ("keras.layers.Conv2D(nb_filter=32, kernel_size=3)", "nb_filter=", "filters="),
    ("keras.layers.Dense(64, W_regularizer=reg)", "W_regularizer=", "kernel_regularizer="),
    ("keras.layers.Dense(64, b_regularizer=reg)", "b_regularizer=", "bias_regularizer="),
    ("keras.layers.Dropout(p=0.5)", "p=", "rate="),
    ("keras.layers.LSTM(8, dropout_U=0.2)", "dropout_U=", "recurrent_dropout="),
])
def test_keras1_and_keras2_keywords_are_renamed(call, old, new):
    src = f"from tensorflow import keras\nx = {call}\n"
    found = findings_of(src, "LRN001")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    out = apply_fix(src, "LRN001")
    assert out == src.replace(old, new, 1)


def test_fit_nb_epoch_and_fit_generator():
    src = DATA + MODEL + "model.fit(X, y, nb_epoch=10)\nmodel.fit_generator(gen, steps_per_epoch=10, epochs=5)\n"
    found = findings_of(src, "LRN001")
    assert len(found) == 2
    out = apply_fix(src, "LRN001", 0)
    assert "model.fit(X, y, epochs=10)" in out
    out = apply_fix(src, "LRN001", 1)
    assert "model.fit(gen, steps_per_epoch=10, epochs=5)" in out


def test_conv2d_keras1_positional_kernel_is_rewritten_to_a_tuple():
    src = """
    from keras.models import Sequential
    from keras.layers import Convolution2D
    model = Sequential()
    model.add(Convolution2D(32, 3, 3, activation="relu", input_shape=(28, 28, 1)))
    """
    found = findings_of(src, "LRN001")
    assert len(found) == 1 and "reads 3 as strides" in found[0].message
    assert "Convolution2D(32, (3, 3), activation" in apply_fix(src, "LRN001")


def test_predict_classes_on_a_model_but_not_predict_proba_on_sklearn():
    src = DATA + MODEL + ("from sklearn.linear_model import LogisticRegression\nclf = LogisticRegression().fit(X, y)\n"
                          "p = clf.predict_proba(X)\nc = model.predict_classes(X)\n")
    found = findings_of(src, "LRN001")
    assert len(found) == 1 and "predict_classes" in found[0].message and found[0].fix is None


@pytest.mark.parametrize("src", [
    "from tensorflow import keras\nx = keras.layers.Dense(64, input_dim=8)\n",  # Keras 3 still accepts input_dim
    "from tensorflow import keras\nx = keras.layers.Embedding(input_dim=1000, output_dim=64)\n",
    "from tensorflow import keras\nx = keras.optimizers.Adam(learning_rate=0.001)\n",
    "import tensorflow as tf\nx = tf.keras.optimizers.legacy.Adam(lr=0.001)\n",  # legacy optimizers take lr
    "from tensorflow import keras\nx = keras.layers.Conv2D(32, (3, 3), padding='same')\n",
    "from tensorflow import keras\nx = keras.layers.Conv2D(32, 3, 2)\n",  # strides=2 on purpose
    "from tensorflow import keras\nx = keras.layers.Conv2D(64, 2, 2)\n",  # a 2x2 stride-2 downsampling
    "from tensorflow import keras\nx = keras.layers.Conv2D(768, 16, 16)\n",  # ViT patch embedding
    "from sklearn.svm import SVC\nclf = SVC(probability=True)\np = clf.predict_proba(X)\n",
])
def test_keras3_spellings_are_fine(src):
    assert "LRN001" not in rule_ids(src)


def test_rename_is_skipped_when_the_new_keyword_is_already_there():
    found = findings_of("from tensorflow import keras\nx = keras.optimizers.Adam(lr=0.1, learning_rate=0.001)\n", "LRN001")
    assert len(found) == 1 and found[0].fix is None


def test_one_epoch_inside_a_training_loop_is_fine():
    src = DATA + MODEL + "for epoch in range(50):\n    model.fit(X, y, epochs=1, verbose=0)\n    log(epoch)\n"
    assert "LRN901" not in rule_ids(src)
    in_function = DATA + MODEL + "def train():\n    while not done():\n        model.fit(X, y, epochs=1)\n"
    assert "LRN901" not in rule_ids(in_function)


def test_one_epoch_in_a_function_outside_a_loop_is_still_reported():
    src = DATA + MODEL + "def train():\n    if ready():\n        model.fit(X, y, epochs=1)\n"
    assert rule_ids(src).count("LRN901") == 1


@pytest.mark.parametrize("line, expected", [
    ("from keras.layers.core import Dense, Dropout", "from keras.layers import Dense, Dropout"),
    ("from tensorflow.keras.layers.convolutional import Conv2D", "from tensorflow.keras.layers import Conv2D"),
    ("from keras.layers.recurrent import LSTM as L", "from keras.layers import LSTM as L"),
    ("from keras.utils.np_utils import to_categorical", "from keras.utils import to_categorical"),
    ("from keras.utils import np_utils", "from keras import utils as np_utils"),
])
def test_keras2_submodule_imports_are_redirected(line, expected):
    src = f"{line}\nimport numpy as np\n"
    assert rule_ids(src) == ["LRN001"]
    assert apply_fix(src, "LRN001").splitlines()[0] == expected


@pytest.mark.parametrize("line", ["from keras.layers import Dense", "from keras import utils", "from keras.utils import to_categorical",
                                  "from mypkg.layers.core import Dense", "import tf_keras\nfrom tf_keras.layers.core import Dense"])
def test_keras3_imports_are_fine(line):
    assert "LRN001" not in rule_ids(line + "\n")
