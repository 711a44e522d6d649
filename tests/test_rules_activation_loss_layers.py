"""Rules of the activation, loss, metrics and layers categories (LRN102-104, LRN201-205, LRN701-702):
positive and negative cases over the ways people write Keras, and every fix applied."""

from __future__ import annotations

import textwrap

import libcst
import pytest
from conftest import FIXTURES, analyze_text, rule_ids

from learnability.findings import Severity
from learnability.fixes import apply_edits, apply_fixes
from learnability.rules import get_rule

MY_RULES = ("LRN102", "LRN103", "LRN104", "LRN201", "LRN202", "LRN203", "LRN204", "LRN205", "LRN701", "LRN702")


def only(source: str, rule: str):
    return [f for f in analyze_text(source).findings if f.rule == rule]


def fixed(source: str, rule: str) -> str:
    """Apply the fix of every `rule` finding; check the result parses and the finding is gone."""
    source = textwrap.dedent(source)
    found = only(source, rule)
    assert found, f"expected a {rule} finding"
    assert all(f.fix is not None for f in found), "expected a fix"
    out = apply_edits(source, [e for f in found for e in f.fix.edits])
    libcst.parse_module(out)
    assert not only(out, rule), f"{rule} still reported after its fix:\n{out}"
    return out


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = textwrap.dedent(before).splitlines(), after.splitlines()
    assert len(a) == len(b), "the fix added or removed lines"
    return [(x, y) for x, y in zip(a, b) if x != y]


# --------------------------------------------------------------------------- catalog
@pytest.mark.parametrize("rule_id", MY_RULES)
def test_each_rule_is_registered_with_rationale_and_examples(rule_id):
    rule = get_rule(rule_id)
    assert rule is not None
    assert len(rule.rationale) > 80 and rule.summary and rule.valid and rule.example is not None
    expected = {"LRN10": "activation", "LRN20": "loss", "LRN70": "layers"}[rule_id[:5]]
    if rule_id == "LRN204":
        expected = "metrics"
    assert rule.category.value == expected


# --------------------------------------------------------------------------- LRN102
SOFTMAX_ONE = """
from tensorflow import keras
model = keras.Sequential([
    keras.layers.Dense(16, activation='relu', input_shape=(4,)),
    keras.layers.Dense(1, activation='softmax'),
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
"""


def test_softmax_on_one_unit_is_an_error_and_the_fix_keeps_the_quote_style():
    found = only(SOFTMAX_ONE, "LRN102")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and found[0].span.line == 5
    out = fixed(SOFTMAX_ONE, "LRN102")
    assert changed_lines(SOFTMAX_ONE, out) == [
        ("    keras.layers.Dense(1, activation='softmax'),", "    keras.layers.Dense(1, activation='sigmoid'),")]


@pytest.mark.parametrize("source", [
    # from ... import with aliases, .add, a following Activation layer
    """
    from keras.models import Sequential
    from keras.layers import Dense as D, Activation
    m = Sequential()
    m.add(D(8, input_dim=3))
    m.add(D(1))
    m.add(Activation("softmax"))
    """,
    # functional API with tf.nn.softmax
    """
    import tensorflow as tf
    inp = tf.keras.Input(shape=(3,))
    out = tf.keras.layers.Dense(1, activation=tf.nn.softmax)(inp)
    model = tf.keras.Model(inp, out)
    """,
    # the unit count from a module-level constant, Keras 2 output_dim
    """
    from keras.models import Sequential
    from keras.layers import Dense
    n_out = 1
    model = Sequential([Dense(output_dim=n_out, activation="softmax", input_dim=4)])
    """,
])
def test_softmax_on_one_unit_in_every_spelling(source):
    assert rule_ids(source).count("LRN102") == 1


def test_softmax_on_one_unit_fix_of_activation_layer_and_attribute():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense, Activation
    m = Sequential()
    m.add(Dense(1, input_dim=3))
    m.add(Activation("softmax"))
    """
    out = fixed(src, "LRN102")
    assert changed_lines(src, out) == [('m.add(Activation("softmax"))', 'm.add(Activation("sigmoid"))')]
    src2 = """
    import tensorflow as tf
    inp = tf.keras.Input(shape=(3,))
    out = tf.keras.layers.Dense(1, activation=tf.nn.softmax)(inp)
    model = tf.keras.Model(inp, out)
    """
    out2 = fixed(src2, "LRN102")
    assert "activation=tf.nn.sigmoid" in out2


@pytest.mark.parametrize("source", [
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(2, activation='softmax')])\n",
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(1, activation='sigmoid')])\n",
    # a spatial softmax over the feature map: a Softmax layer on other axes
    "from tensorflow import keras\nm = keras.Sequential([keras.layers.Conv2D(1, 3), keras.layers.Softmax(axis=(1, 2))])\n",
    # units not known statically
    "from tensorflow import keras\ndef f(n):\n    return keras.Sequential([keras.layers.Dense(n, activation='softmax')])\n",
])
def test_softmax_on_more_units_or_other_axes_is_fine(source):
    assert "LRN102" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN103
def test_from_logits_true_on_softmax_output_and_fix():
    src = """
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['accuracy'])
    """
    found = only(src, "LRN103")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert found[0].related and found[0].related[0].span.line == 6
    out = fixed(src, "LRN103")
    assert changed_lines(src, out) == [
        ("              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),",
         "              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),")]


def test_from_logits_through_a_loss_variable_and_sigmoid_activation_layer():
    src = """
    from keras import layers, losses, models
    model = models.Sequential()
    model.add(layers.Dense(8, activation="relu", input_shape=(4,)))
    model.add(layers.Dense(1))
    model.add(layers.Activation("sigmoid"))
    loss_fn = losses.BinaryCrossentropy(from_logits=True)
    model.compile(optimizer="adam", loss=loss_fn)
    """
    found = only(src, "LRN103")
    assert len(found) == 1 and "sigmoid" in found[0].message
    out = fixed(src, "LRN103")
    assert "BinaryCrossentropy(from_logits=False)" in out


def test_linear_output_with_string_crossentropy_gets_softmax_added():
    src = """
    from tensorflow.keras import Sequential
    from tensorflow.keras.layers import Dense, Flatten
    model = Sequential([Flatten(input_shape=(28, 28)), Dense(128, activation="relu"), Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    """
    found = only(src, "LRN103")
    assert len(found) == 1 and "has no activation" in found[0].message
    out = fixed(src, "LRN103")
    assert 'Dense(10, activation="softmax")])' in out
    assert len(changed_lines(src, out)) == 1


def test_linear_output_with_loss_object_gets_from_logits_true():
    src = """
    import tensorflow as tf
    model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dense(10)])
    model.compile(optimizer='adam', loss=tf.keras.losses.CategoricalCrossentropy())
    """
    out = fixed(src, "LRN103")
    assert "tf.keras.losses.CategoricalCrossentropy(from_logits=True))" in out


def test_linear_binary_output_gets_sigmoid_and_relu_output_is_replaced():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential()
    model.add(Dense(12, input_dim=8, activation='relu'))
    model.add(Dense(1, activation=None))
    model.compile(loss='binary_crossentropy', optimizer='adam')
    """
    out = fixed(src, "LRN103")
    assert "model.add(Dense(1, activation='sigmoid'))" in out
    src2 = src.replace("activation=None", "activation='relu'")
    found = only(src2, "LRN103")
    assert len(found) == 1 and "applies relu" in found[0].message
    assert "model.add(Dense(1, activation='sigmoid'))" in fixed(src2, "LRN103")


def test_sigmoid_output_with_categorical_crossentropy():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential([Dense(32, activation="relu", input_dim=8), Dense(5, activation="sigmoid")])
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    """
    assert only(src, "LRN103")[0].severity is Severity.INFO  # it trains; the outputs are not a distribution
    out = fixed(src, "LRN103")
    assert 'Dense(5, activation="softmax")' in out


def test_relu_output_with_from_logits_true_is_reported_without_fix():
    src = """
    import keras
    model = keras.Sequential([keras.layers.Dense(10, activation="relu")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
    """
    found = only(src, "LRN103")
    assert len(found) == 1 and found[0].fix is None


@pytest.mark.parametrize("source", [
    # the TensorFlow beginner tutorial: logits + from_logits=True
    """
    import tensorflow as tf
    model = tf.keras.models.Sequential([tf.keras.layers.Dense(128, activation='relu'), tf.keras.layers.Dense(10)])
    model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """,
    # softmax + categorical, sigmoid + binary (also multi-label)
    """
    from keras import layers, models
    a = models.Sequential([layers.Dense(10, activation="softmax")])
    a.compile(loss="categorical_crossentropy", optimizer="adam")
    b = models.Sequential([layers.Dense(5, activation="sigmoid")])
    b.compile(loss="binary_crossentropy", optimizer="adam")
    c = models.Sequential([layers.Dense(10), layers.Activation("softmax")])
    c.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    """,
    # an unknown custom activation, a regression loss, a custom layer after the output
    """
    from keras import layers, models
    def act(x):
        return x
    a = models.Sequential([layers.Dense(10, activation=act)])
    a.compile(loss="categorical_crossentropy", optimizer="adam")
    b = models.Sequential([layers.Dense(1)])
    b.compile(loss="mse", optimizer="adam")
    c = models.Sequential([layers.Dense(10), MySoftmax()])
    c.compile(loss="categorical_crossentropy", optimizer="adam")
    """,
])
def test_matching_output_activation_and_loss_is_fine(source):
    assert "LRN103" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN104
def test_no_activation_anywhere_collapses_to_a_linear_model():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense, Dropout
    model = Sequential()
    model.add(Dense(128, input_dim=20))
    model.add(Dropout(0.2))
    model.add(Dense(64))
    model.add(Dense(3, activation='softmax'))
    """
    found = only(src, "LRN104")
    assert [f.span.line for f in found] == [5]  # one finding for the stack; its fix edits both hidden layers
    assert [r.span.line for r in found[0].related] == [7]
    assert all(f.severity is Severity.WARNING for f in found)
    assert all(f.fix is not None and not f.fix.safe for f in found)
    out = apply_edits(textwrap.dedent(src), [e for f in found for e in f.fix.edits])
    libcst.parse_module(out)
    assert "Dense(128, input_dim=20, activation='relu')" in out and "Dense(64, activation='relu')" in out
    assert not only(out, "LRN104")


def test_one_linear_conv_before_another_is_info():
    src = """
    from tensorflow.keras import layers, models
    model = models.Sequential([
        layers.Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)),
        layers.Conv2D(32, 3),
        layers.BatchNormalization(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    """
    found = only(src, "LRN104")
    assert len(found) == 1 and found[0].severity is Severity.INFO and found[0].span.line == 5
    assert found[0].related[0].span.line == 7


@pytest.mark.parametrize("source", [
    # BatchNormalization then Activation, advanced activation layers, max pooling between
    """
    from tensorflow.keras import layers, models
    model = models.Sequential([
        layers.Conv2D(32, 3, use_bias=False, input_shape=(32, 32, 3)),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Conv2D(32, 3),
        layers.LeakyReLU(0.2),
        layers.Conv2D(64, 3),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(64),
        layers.PReLU(),
        layers.Dense(10, activation="softmax"),
    ])
    """,
    # a linear output layer (regression) after a hidden relu layer; a custom activation function
    """
    import tensorflow as tf
    def swish(x):
        return x * tf.sigmoid(x)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation=swish),
        tf.keras.layers.Dense(64, activation=tf.nn.relu),
        tf.keras.layers.Dense(1),
    ])
    """,
    # a nested model (not a known layer) between two Dense layers
    """
    from tensorflow import keras
    from tensorflow.keras import layers
    base = make_backbone()
    model = keras.Sequential([layers.Dense(64), base, layers.Dense(10, activation="softmax")])
    """,
])
def test_non_linearities_between_layers_are_respected(source):
    assert "LRN104" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN201
def test_binary_crossentropy_on_multi_unit_softmax_with_related_output_and_fix():
    src = """
    import numpy as np
    from tensorflow.keras import layers, models
    from tensorflow.keras.utils import to_categorical
    X = np.random.rand(300, 8)
    y = to_categorical(np.random.randint(0, 3, 300), 3)
    model = models.Sequential([layers.Dense(16, activation="relu", input_shape=(8,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=5)
    """
    found = only(src, "LRN201")
    assert len(found) == 1 and found[0].span.line == 8
    assert found[0].related[0].span.line == 7 and "3 units" in found[0].related[0].message
    out = fixed(src, "LRN201")
    assert 'loss="categorical_crossentropy"' in out and len(changed_lines(src, out)) == 1


def test_binary_crossentropy_on_softmax_with_integer_labels_suggests_sparse():
    src = """
    import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x / 255.0, y)
    """
    assert "sparse_categorical_crossentropy" in fixed(src, "LRN201")


def test_categorical_crossentropy_on_one_unit_is_an_error():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense
    model = Sequential()
    model.add(Dense(16, activation='relu', input_dim=10))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    """
    found = only(src, "LRN201")
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    assert found[0].related[0].span.line == 6
    out = fixed(src, "LRN201")
    assert changed_lines(src, out) == [
        ("model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])",
         "model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])")]


def test_sparse_crossentropy_on_one_unit_via_functional_api():
    src = """
    import tensorflow as tf
    inputs = tf.keras.Input(shape=(10,))
    hidden = tf.keras.layers.Dense(16, activation="relu")(inputs)
    outputs = tf.keras.layers.Dense(1)(hidden)
    model = tf.keras.Model(inputs=inputs, outputs=outputs)
    model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
    """
    found = only(src, "LRN201")
    assert len(found) == 1 and found[0].fix is None


@pytest.mark.parametrize("source", [
    # multi-label: several sigmoid units with binary crossentropy
    """
    from keras import layers, models
    m = models.Sequential([layers.Dense(5, activation="sigmoid")])
    m.compile(loss="binary_crossentropy", optimizer="adam")
    """,
    # two-unit softmax with sparse labels; one sigmoid unit with binary crossentropy
    """
    from keras import layers, models
    a = models.Sequential([layers.Dense(2, activation="softmax")])
    a.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    b = models.Sequential([layers.Dense(1, activation="sigmoid")])
    b.compile(loss="binary_crossentropy", optimizer="adam")
    """,
])
def test_loss_fitting_the_units_is_fine(source):
    assert "LRN201" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN202
def test_sparse_loss_with_one_hot_labels():
    src = """
    import tensorflow as tf
    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    y_train = tf.keras.utils.to_categorical(y_train, 10)
    model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train / 255.0, y_train)
    """
    found = only(src, "LRN202")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and found[0].span.line == 6
    out = fixed(src, "LRN202")
    assert changed_lines(src, out) == [
        ('model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
         'model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])')]


def test_categorical_loss_with_integer_labels_from_a_dataset_and_from_randint():
    src = """
    from keras.datasets import cifar10
    from keras.models import Sequential
    from keras.layers import Flatten, Dense
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    model = Sequential([Flatten(input_shape=(32, 32, 3)), Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='adam')
    model.fit(x_train / 255.0, y_train)
    """
    found = only(src, "LRN202")
    assert len(found) == 1 and "cifar10" in found[0].message
    assert "loss='sparse_categorical_crossentropy'" in fixed(src, "LRN202")
    src2 = """
    import numpy as np
    import keras
    X = np.random.rand(100, 4)
    y = np.random.randint(0, 5, 100)
    model = keras.Sequential([keras.layers.Dense(5, activation="softmax")])
    model.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer="adam")
    model.fit(X, y)
    """
    out = fixed(src2, "LRN202")
    assert "keras.losses.SparseCategoricalCrossentropy()" in out


@pytest.mark.parametrize("source", [
    # to_categorical + categorical; dataset labels + sparse; labels of unknown origin
    """
    import tensorflow as tf
    (x, y), _ = tf.keras.datasets.mnist.load_data()
    yc = tf.keras.utils.to_categorical(y, 10)
    a = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
    a.compile(loss="categorical_crossentropy", optimizer="adam")
    a.fit(x / 255.0, yc)
    b = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
    b.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    b.fit(x / 255.0, y)
    c = tf.keras.Sequential([tf.keras.layers.Dense(10, activation="softmax")])
    c.compile(loss="categorical_crossentropy", optimizer="adam")
    c.fit(x / 255.0, load_labels())
    """,
])
def test_matching_label_encoding_is_fine(source):
    assert "LRN202" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN203 / LRN204
def test_mse_on_binary_labels_with_sigmoid_output_and_fix():
    src = """
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense
    X = np.random.rand(200, 8)
    y = np.array([0] * 100 + [1] * 100)
    model = Sequential([Dense(16, activation='relu', input_dim=8), Dense(1, activation='sigmoid')])
    model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
    model.fit(X, y, shuffle=True)
    """
    found = only(src, "LRN203")
    assert len(found) == 1 and found[0].severity is Severity.INFO  # it trains through the sigmoid, slower
    assert "LRN204" not in rule_ids(src)  # accuracy is meaningful for a sigmoid classifier
    out = fixed(src, "LRN203")
    assert "loss='binary_crossentropy'" in out and len(changed_lines(src, out)) == 1


def test_mean_squared_error_on_one_hot_labels_and_softmax():
    src = """
    import tensorflow as tf
    (x, y), _ = tf.keras.datasets.fashion_mnist.load_data()
    y = tf.keras.utils.to_categorical(y, 10)
    model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=tf.keras.losses.MeanSquaredError())
    model.fit(x / 255.0, y)
    """
    found = only(src, "LRN203")
    assert len(found) == 1 and "one-hot" in found[0].message and found[0].fix is None


def test_mse_with_softmax_output_and_unknown_labels_is_info():
    src = """
    from keras import layers, models
    model = models.Sequential([layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="mean_absolute_error")
    """
    found = only(src, "LRN203")
    assert len(found) == 1 and found[0].severity is Severity.INFO


@pytest.mark.parametrize("source", [
    # an autoencoder: sigmoid outputs regressed onto pixels with mse
    """
    import numpy as np
    from keras import layers, models
    X = np.random.rand(100, 784)
    ae = models.Sequential([layers.Dense(32, activation="relu"), layers.Dense(784, activation="sigmoid")])
    ae.compile(optimizer="adam", loss="mse")
    ae.fit(X, X)
    """,
    # plain regression on continuous targets
    """
    import numpy as np
    from keras import layers, models
    X = np.random.rand(100, 3)
    t = np.random.rand(100)
    reg = models.Sequential([layers.Dense(32, activation="relu"), layers.Dense(1)])
    reg.compile(optimizer="adam", loss="mse", metrics=["mae"])
    reg.fit(X, t)
    """,
])
def test_regression_losses_on_regression_problems_are_fine(source):
    ids = rule_ids(source)
    assert "LRN203" not in ids and "LRN204" not in ids


def test_accuracy_metric_with_regression_loss_and_fix():
    src = """
    import numpy as np
    import tensorflow as tf
    X = np.random.rand(100, 3)
    t = np.random.rand(100) * 50
    reg = tf.keras.Sequential([tf.keras.layers.Dense(32, activation="relu"), tf.keras.layers.Dense(1)])
    reg.compile(optimizer="adam", loss="mean_squared_error", metrics=["accuracy"])
    reg.fit(X, t)
    """
    found = only(src, "LRN204")
    assert len(found) == 1 and found[0].category.value == "metrics" and found[0].span.line == 7
    out = fixed(src, "LRN204")
    assert changed_lines(src, out) == [
        ('reg.compile(optimizer="adam", loss="mean_squared_error", metrics=["accuracy"])',
         'reg.compile(optimizer="adam", loss="mean_squared_error", metrics=["mae"])')]


def test_accuracy_object_with_mae_is_reported_without_fix():
    src = """
    from tensorflow import keras
    m = keras.Sequential([keras.layers.Dense(1)])
    m.compile(optimizer="adam", loss="mae", metrics=[keras.metrics.Accuracy()])
    """
    found = only(src, "LRN204")
    assert len(found) == 1 and found[0].fix is None


# --------------------------------------------------------------------------- LRN205
def test_output_units_differ_from_one_hot_width():
    src = """
    import numpy as np
    from tensorflow.keras import layers, models
    from tensorflow.keras.utils import to_categorical
    num_classes = 10
    X = np.random.rand(100, 8)
    y = to_categorical(np.random.randint(0, 10, 100), num_classes)
    model = models.Sequential([layers.Dense(32, activation="relu"), layers.Dense(8, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(X, y)
    """
    found = only(src, "LRN205")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and found[0].span.line == 8
    assert found[0].data["classes"] == 10 and found[0].related
    out = fixed(src, "LRN205")
    assert changed_lines(src, out) == [
        ('model = models.Sequential([layers.Dense(32, activation="relu"), layers.Dense(8, activation="softmax")])',
         'model = models.Sequential([layers.Dense(32, activation="relu"), layers.Dense(num_classes, activation="softmax")])')]


def test_output_units_below_dataset_classes_and_above_with_sparse_labels():
    src = """
    import keras
    (x, y), _ = keras.datasets.cifar100.load_data()
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x / 255.0, y)
    """
    found = only(src, "LRN205")
    assert len(found) == 1 and "100 classes" in found[0].message and found[0].severity is Severity.ERROR
    assert "keras.layers.Dense(100, " in fixed(src, "LRN205")
    more = src.replace("cifar100", "mnist").replace("Dense(10,", "Dense(12,")
    found = only(more, "LRN205")
    assert len(found) == 1 and found[0].severity is Severity.INFO


def test_output_units_differ_from_a_num_classes_constant():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense
    NUM_CLASSES = 5
    model = Sequential()
    model.add(Dense(64, activation="relu", input_dim=20))
    model.add(Dense(3, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    """
    found = only(src, "LRN205")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert 'model.add(Dense(NUM_CLASSES, activation="softmax"))' in fixed(src, "LRN205")


@pytest.mark.parametrize("source", [
    """
    import numpy as np
    from tensorflow import keras
    num_classes = 10
    (x, y), _ = keras.datasets.mnist.load_data()
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x / 255.0, y)
    """,
    # binary: one sigmoid unit for two classes
    """
    import numpy as np
    from tensorflow import keras
    X = np.random.rand(50, 3)
    y = np.random.randint(0, 2, 50)
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, y)
    """,
])
def test_output_units_matching_the_classes_are_fine(source):
    assert "LRN205" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN701
DENSE_ON_MAP_ADD = """
import keras
from keras.models import Sequential
from keras.layers import Dense, Conv2D, MaxPooling2D
(x, y), _ = keras.datasets.mnist.load_data()
model = Sequential()
model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D((2, 2)))
model.add(Dense(10, activation='softmax'))
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
model.fit(x / 255.0, y)
"""


def test_dense_on_feature_map_with_add_gets_a_flatten_line_and_import():
    found = only(DENSE_ON_MAP_ADD, "LRN701")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and found[0].span.line == 9
    assert found[0].related[0].span.line == 8
    out = fixed(DENSE_ON_MAP_ADD, "LRN701")
    lines = out.splitlines()
    assert lines[3] == "from keras.layers import Dense, Conv2D, MaxPooling2D, Flatten"
    assert lines[8] == "model.add(Flatten())" and lines[9] == "model.add(Dense(10, activation='softmax'))"


def test_dense_on_feature_map_in_a_sequential_list_gets_flatten_in_its_spelling():
    src = """
    import tensorflow as tf
    (x, y), _ = tf.keras.datasets.cifar10.load_data()
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(32, 3, activation="relu", input_shape=(32, 32, 3)),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x / 255.0, y)
    """
    out = fixed(src, "LRN701")
    assert "\n    tf.keras.layers.Flatten(),\n    tf.keras.layers.Dense(10," in out


def test_dense_on_feature_map_in_the_functional_api():
    src = """
    from tensorflow import keras
    from tensorflow.keras import layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(16, 3, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    """
    found = only(src, "LRN701")
    assert len(found) == 1 and found[0].severity is Severity.INFO  # labels unknown
    out = fixed(src, "LRN701")
    assert changed_lines(src, out) == [('outputs = layers.Dense(10, activation="softmax")(x)',
                                        'outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(x))')]


@pytest.mark.parametrize("source", [
    # Flatten / global pooling before Dense
    """
    from tensorflow.keras import layers, models
    a = models.Sequential([layers.Conv2D(8, 3, input_shape=(28, 28, 1)), layers.Flatten(), layers.Dense(10)])
    b = models.Sequential([layers.Conv2D(8, 3, input_shape=(28, 28, 1)), layers.GlobalAveragePooling2D(), layers.Dense(10)])
    """,
    # Dense on a sequence of feature vectors (no conv), and a Conv1D tagger with unknown labels
    """
    from tensorflow.keras import layers, models
    a = models.Sequential([layers.Embedding(1000, 64), layers.LSTM(32, return_sequences=True), layers.Dense(5)])
    b = models.Sequential([layers.Conv1D(32, 3, padding="same"), layers.Dense(5, activation="softmax")])
    """,
    # per-pixel labels of known shape: a segmentation head
    """
    import numpy as np
    from tensorflow.keras import layers, models
    X = np.random.rand(10, 64, 64, 3)
    masks = np.random.rand(10, 64, 64, 1)
    m = models.Sequential([layers.Conv2D(8, 3, padding="same", input_shape=(64, 64, 3)), layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy")
    m.fit(X, masks)
    """,
])
def test_dense_after_flatten_or_on_sequences_is_fine(source):
    assert "LRN701" not in rule_ids(source)


# --------------------------------------------------------------------------- LRN702
def test_feature_map_shrinks_below_the_kernel():
    src = """
    from keras.models import Sequential
    from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(128, (3, 3), activation='relu'))
    model.add(Flatten())
    model.add(Dense(10, activation='softmax'))
    """
    found = only(src, "LRN702")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and found[0].span.line == 11
    assert "is 1x1" in found[0].message and "3x3 kernel" in found[0].message


def test_feature_map_below_the_pool_in_functional_api_with_strides():
    src = """
    from tensorflow import keras
    from tensorflow.keras import layers
    size = 32
    inputs = keras.Input(shape=(size, size, 3))
    x = layers.Conv2D(32, 5, strides=2)(inputs)
    x = layers.Conv2D(32, 5, strides=2)(x)
    x = layers.Conv2D(32, 5, strides=2, padding="same")(x)
    x = layers.MaxPooling2D(4)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    """
    found = only(src, "LRN702")
    assert len(found) == 1 and found[0].span.line == 9
    assert "3x3" in found[0].message and "4x4 pool window" in found[0].message


def test_feature_map_too_small_with_keras1_spellings():
    src = """
    from keras.models import Sequential
    from keras.layers import Convolution2D, MaxPooling2D
    model = Sequential()
    model.add(Convolution2D(32, 3, 3, border_mode='valid', input_shape=(8, 8, 1)))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Convolution2D(32, 3, 3, border_mode='same'))
    model.add(Convolution2D(32, 5, 5))
    """
    found = only(src, "LRN702")
    assert len(found) == 1 and found[0].span.line == 8 and "3x3" in found[0].message


@pytest.mark.parametrize("source", [
    # 'same' padding keeps the map; the map is exactly the kernel size
    """
    from tensorflow.keras import layers, models
    m = models.Sequential([
        layers.Conv2D(8, 3, padding="same", input_shape=(4, 4, 1)),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, padding="same"),
        layers.Conv2D(8, 2),
    ])
    """,
    # unknown input size; a channels-first input of Keras 1; an input size from a function argument
    """
    from tensorflow.keras import layers, models
    a = models.Sequential([layers.Conv2D(8, 7), layers.Conv2D(8, 7)])
    b = models.Sequential([layers.Conv2D(8, 3, input_shape=(3, 32, 32), data_format="channels_first"), layers.Conv2D(8, 3)])
    def build(h):
        return models.Sequential([layers.Conv2D(8, 3, input_shape=(h, h, 1)), layers.Conv2D(8, 3)])
    """,
    # Conv2D(32, 3, 3): Keras 2 read a 3x3 kernel, Keras 3 strides=3: not guessed
    """
    from tensorflow.keras import layers, models
    m = models.Sequential([layers.Conv2D(8, 3, 3, input_shape=(8, 8, 1)), layers.Conv2D(8, 3), layers.Conv2D(8, 3)])
    """,
    # upsampling and padding grow the map again
    """
    from tensorflow.keras import layers, models
    m = models.Sequential([
        layers.Input(shape=(6, 6, 1)),
        layers.MaxPooling2D(2),
        layers.UpSampling2D(2),
        layers.ZeroPadding2D(1),
        layers.Conv2D(8, 7),
    ])
    """,
])
def test_feature_maps_large_enough_or_unknown_are_fine(source):
    assert "LRN702" not in rule_ids(source)


def test_channels_first_input_is_traced_on_its_spatial_axes():
    src = """
    from tensorflow.keras import layers, models
    m = models.Sequential([
        layers.Conv2D(8, 3, input_shape=(3, 6, 6), data_format="channels_first"),
        layers.MaxPooling2D(2, data_format="channels_first"),
        layers.Conv2D(8, 3, data_format="channels_first"),
    ])
    """
    found = only(src, "LRN702")
    assert len(found) == 1 and "2x2" in found[0].message


# --------------------------------------------------------------------------- fixtures
IDIOMATIC = sorted(FIXTURES.glob("idiomatic_*.py"))


def test_there_are_idiomatic_fixtures():
    names = {p.name for p in IDIOMATIC}
    assert {"idiomatic_mnist_cnn.py", "idiomatic_cifar10_functional.py", "idiomatic_tf_keras_categorical.py",
            "idiomatic_binary_sigmoid.py"} <= names


@pytest.mark.parametrize("path", IDIOMATIC, ids=lambda p: p.name)
def test_idiomatic_keras_gets_no_warnings_or_errors(path):
    result = analyze_text(path.read_text())
    assert not result.errors
    assert result.program is not None and result.program.models  # the model was understood
    loud = [(f.rule, f.span.line, f.message) for f in result.findings if f.severity is not Severity.INFO]
    assert loud == []
    mine = [(f.rule, f.span.line) for f in result.findings if f.rule in MY_RULES]
    assert mine == []


@pytest.mark.parametrize("name", ["article1_sigmoid_scaled.py", "article1_fixed.py", "article2_high_lr.py",
                                  "article2_fixed.py", "article3_constant_inputs.py", "article3_fixed.py"])
def test_article_fixtures_get_none_of_these_rules(name):
    ids = rule_ids((FIXTURES / name).read_text())
    assert not set(ids) & set(MY_RULES)


def test_fix_all_on_a_file_with_several_of_these_problems():
    src = textwrap.dedent("""
    import keras
    from keras.models import Sequential
    from keras.layers import Dense, Conv2D
    (x, y), _ = keras.datasets.mnist.load_data()
    y = keras.utils.to_categorical(y, 10)
    model = Sequential()
    model.add(Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)))
    model.add(Dense(5, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x / 255.0, y)
    """)
    result = analyze_text(src)
    assert {"LRN202", "LRN205", "LRN701"} <= {f.rule for f in result.findings}
    out, n = apply_fixes(src, result.findings)
    assert n >= 3
    libcst.parse_module(out)
    again = {f.rule for f in analyze_text(out).findings}
    assert not again & {"LRN202", "LRN205", "LRN701"}


def test_mse_on_integer_targets_through_a_linear_output_needs_a_sign_of_classification():
    src = """
    import numpy as np
    from keras import layers, models
    X = np.random.rand(100, 3)
    ages = np.random.randint(18, 90, 100)
    reg = models.Sequential([layers.Dense(32, activation="relu"), layers.Dense(1)])
    reg.compile(optimizer="adam", loss="mse")
    reg.fit(X, ages)
    """
    assert "LRN203" not in rule_ids(src)
    with_accuracy = src.replace('loss="mse")', 'loss="mse", metrics=["accuracy"])')
    found = only(with_accuracy, "LRN203")
    assert len(found) == 1 and "LRN204" not in rule_ids(with_accuracy)


def test_labels_one_to_n_for_n_units_are_left_to_the_out_of_range_rule():
    src = """
    import numpy as np
    from keras import layers, models
    X = np.random.rand(100, 3)
    y = np.random.randint(1, 6, 100)
    m = models.Sequential([layers.Dense(16, activation="relu"), layers.Dense(5, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(X, y)
    """
    assert "LRN205" not in rule_ids(src)
    assert len(only(src.replace("randint(1, 6", "randint(0, 8"), "LRN205")) == 1


def test_categorical_on_one_unit_names_the_class_count_when_known():
    src = """
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense
    X = np.random.rand(150, 4)
    y = np.random.randint(0, 3, 150)
    model = Sequential()
    model.add(Dense(8, input_dim=4, activation='relu'))
    model.add(Dense(1, activation='softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    model.fit(X, y, epochs=200, batch_size=5)
    """
    ids = rule_ids(src)
    assert "LRN102" in ids and "LRN202" not in ids and "LRN205" not in ids
    found = only(src, "LRN201")
    assert len(found) == 1 and "Dense(3, activation='softmax')" in found[0].message
    assert found[0].fix is None  # softmax on one unit: the loss alone is not the fix


def test_from_logits_given_positionally_to_a_loss_class():
    src = """
    import tensorflow as tf
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=tf.keras.losses.BinaryCrossentropy(True))
    """
    found = only(src, "LRN103")
    assert len(found) == 1
    assert "tf.keras.losses.BinaryCrossentropy(False)" in fixed(src, "LRN103")
    assert "LRN103" not in rule_ids(src.replace('activation="sigmoid"', ""))


def test_probability_and_log_probability_outputs_that_fit_the_loss():
    src = """
    from tensorflow import keras
    a = keras.Sequential([keras.layers.Dense(1, activation="hard_sigmoid")])
    a.compile(optimizer="adam", loss="binary_crossentropy")
    b = keras.Sequential([keras.layers.Dense(10, activation="log_softmax")])
    b.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """
    assert "LRN103" not in rule_ids(src)
    tanh = src.replace('"log_softmax"', '"tanh"')
    found = only(tanh, "LRN103")
    assert len(found) == 1 and "narrow range" in found[0].message and found[0].fix is None


def test_stacked_linear_fix_replaces_an_explicit_linear_activation():
    src = """
    from tensorflow.keras import layers, models
    model = models.Sequential([
        layers.Dense(64, activation="relu", input_shape=(10,)),
        layers.Dense(32, activation=None),
        layers.Dense(16, activation="linear"),
        layers.Dense(1, activation="sigmoid"),
    ])
    """
    found = only(src, "LRN104")
    assert [f.span.line for f in found] == [5, 6]
    assert all(f.severity is Severity.INFO for f in found)  # the first hidden layer has relu
    out = apply_edits(textwrap.dedent(src), [e for f in found for e in f.fix.edits])
    assert changed_lines(src, out) == [('    layers.Dense(32, activation=None),', '    layers.Dense(32, activation="relu"),'),
                                       ('    layers.Dense(16, activation="linear"),', '    layers.Dense(16, activation="relu"),')]
    assert not only(out, "LRN104")


def test_layers_passing_kwargs_have_an_unknown_activation():
    src = """
    from keras import layers, models
    cfg = dict(kernel_initializer="he_normal", activation="relu")
    model = models.Sequential([layers.Dense(64, **cfg), layers.Dense(32, **cfg), layers.Dense(10, **cfg)])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    ids = rule_ids(src)
    assert "LRN103" not in ids and "LRN104" not in ids


def test_no_keyword_is_added_to_a_call_that_passes_star_args():
    src = """
    from keras import layers, models
    spec = (10,)
    model = models.Sequential([layers.Dense(64, activation="relu"), layers.Dense(*spec)])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    """
    found = only(src, "LRN103")
    assert len(found) == 1 and found[0].fix is None


def test_labels_filtered_by_a_mask_have_an_unknown_class_count():
    src = """
    import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    idx = (y == 0) | (y == 1)
    x, y = x[idx], y[idx]
    m = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(x / 255.0, y)
    """
    assert "LRN205" not in rule_ids(src)
    assert "LRN205" not in rule_ids(src.replace("x[idx], y[idx]", "x[y < 2], y[y < 2].astype(int)"))
    # slicing and shuffling keep every class
    assert "LRN205" in rule_ids(src.replace("x[idx], y[idx]", "x[:1000], y[:1000]"))
    assert "LRN205" not in rule_ids(src.replace("x[idx], y[idx]", "x, y % 2"))
    one_hot = src.replace("x[idx], y[idx]", "x, keras.utils.to_categorical(y % 2, 10)").replace("sparse_categorical", "categorical")
    assert "LRN205" in rule_ids(one_hot)  # the one-hot width is given: 10 columns for 2 units


# --------------------------------------------------------------------------- the edits themselves
def _span_text(source: str, span) -> str:
    lines = source.splitlines(keepends=True)
    start = sum(len(l) for l in lines[:span.line - 1]) + span.column
    end = sum(len(l) for l in lines[:span.end_line - 1]) + span.end_column
    return source[start:end]


EDIT_CASES = [
    ("LRN102", SOFTMAX_ONE, [("'softmax'", "'sigmoid'")]),
    ("LRN103", """
    import keras
    m = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    m.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer="adam")
    """, [("True", "False")]),
    ("LRN103", """
    import keras
    m = keras.Sequential([keras.layers.Dense(3)])
    m.compile(loss="categorical_crossentropy", optimizer="adam")
    """, [("", ', activation="softmax"')]),
    ("LRN201", """
    from keras import layers, models
    m = models.Sequential([layers.Dense(1, activation="sigmoid")])
    m.compile(loss="categorical_crossentropy", optimizer="adam")
    """, [('"categorical_crossentropy"', '"binary_crossentropy"')]),
    ("LRN202", """
    import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    m = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    m.compile(loss=keras.losses.CategoricalCrossentropy(), optimizer="adam")
    m.fit(x / 255.0, y)
    """, [("CategoricalCrossentropy", "SparseCategoricalCrossentropy")]),
    ("LRN203", """
    import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    m = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    m.compile(loss='mse', optimizer="adam")
    m.fit(x / 255.0, y)
    """, [("'mse'", "'sparse_categorical_crossentropy'")]),
    ("LRN204", """
    import keras
    m = keras.Sequential([keras.layers.Dense(1)])
    m.compile(loss="mae", optimizer="adam", metrics=["acc"])
    """, [('"acc"', '"mae"')]),
    ("LRN205", """
    import keras
    (x, y), _ = keras.datasets.cifar10.load_data()
    m = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(100, activation="softmax")])
    m.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    m.fit(x / 255.0, y)
    """, [("100", "10")]),
    ("LRN701", DENSE_ON_MAP_ADD, [("", ", Flatten"), ("", "model.add(Flatten())\n")]),
]


@pytest.mark.parametrize("rule,source,expected", EDIT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(EDIT_CASES)])
def test_each_fix_edits_only_the_span_it_changes(rule, source, expected):
    source = textwrap.dedent(source)
    found = only(source, rule)
    assert len(found) == 1 and found[0].fix is not None
    edits = sorted(found[0].fix.edits, key=lambda e: e.span)
    assert [(_span_text(source, e.span), e.new_text) for e in edits] == expected
    out = apply_edits(source, edits)
    libcst.parse_module(out)
    assert not only(out, rule)


def test_an_activation_before_the_final_softmax():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense, Activation
    model = Sequential()
    model.add(Dense(64, activation='relu', input_dim=20))
    model.add(Dense(10, activation='relu'))
    model.add(Activation('softmax'))
    model.compile(loss='categorical_crossentropy', optimizer='adam')
    """
    found = only(src, "LRN103")
    assert len(found) == 1 and "relu before softmax" in found[0].message and found[0].span.line == 6
    assert found[0].severity is Severity.INFO
    out = fixed(src, "LRN103")
    assert changed_lines(src, out) == [("model.add(Dense(10, activation='relu'))", "model.add(Dense(10, activation='linear'))")]
    # the loss sees the final softmax: no 'relu is not a probability' finding
    assert "not a probability" not in found[0].message


def test_softmax_layer_after_a_one_unit_relu_layer():
    src = """
    from tensorflow.keras import layers, models
    m = models.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1, activation="relu"), layers.Softmax()])
    """
    found = only(src, "LRN102")
    assert len(found) == 1 and found[0].fix is None


def test_layers_listed_in_a_variable_are_located_in_their_own_statement():
    src = """
    import keras
    from keras.models import Sequential
    from keras.layers import Dense, Conv2D
    (x, y), _ = keras.datasets.mnist.load_data()
    layer_list = [
        Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)),
        Dense(1, activation="softmax"),
    ]
    model = Sequential(layer_list)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x / 255.0, y)
    """
    result = analyze_text(src)
    assert not result.errors
    by_rule = {f.rule: f for f in result.findings}
    assert {"LRN102", "LRN201", "LRN701"} <= set(by_rule)
    assert by_rule["LRN102"].span.line == 8 and by_rule["LRN701"].span.line == 8
    assert "Dense(10, activation=\"softmax\")" in fixed(src, "LRN102")  # mnist: 10 classes


def test_one_softmax_unit_for_many_classes_fixes_the_units_not_the_activation():
    src = """
    import numpy as np
    from keras.models import Sequential
    from keras.layers import Dense
    X = np.random.rand(150, 4)
    y = np.random.randint(0, 3, 150)
    model = Sequential()
    model.add(Dense(8, input_dim=4, activation='relu'))
    model.add(Dense(1, activation='softmax'))
    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')
    model.fit(X, y)
    """
    found = only(src, "LRN102")
    assert len(found) == 1 and "3 classes" in found[0].message
    out = fixed(src, "LRN102")
    assert changed_lines(src, out) == [("model.add(Dense(1, activation='softmax'))", "model.add(Dense(3, activation='softmax'))")]
    assert not only(out, "LRN201")
    sigmoid = src.replace("activation='softmax'", "activation='sigmoid'").replace("'sparse_categorical", "'categorical")
    assert only(sigmoid, "LRN201")[0].fix is None  # binary_crossentropy would not fit 3 classes


def test_mse_on_class_indices_through_a_linear_output_is_a_warning():
    src = """
    import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x / 255.0, y)
    """
    found = only(src, "LRN203")
    assert len(found) == 1 and found[0].severity is Severity.WARNING and "treats classes as numbers" in found[0].message
    assert found[0].fix is None  # the output layer has to change too


def test_dense_on_a_map_that_is_flattened_later_is_a_1x1_convolution():
    src = """
    import keras
    from keras import layers
    (x, y), _ = keras.datasets.mnist.load_data()
    model = keras.Sequential([
        layers.Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1)),
        layers.Dense(8, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x / 255.0, y)
    """
    assert "LRN701" not in rule_ids(src)
    no_flatten = src.replace('        layers.Flatten(),\n', '')
    found = only(no_flatten, "LRN701")
    assert len(found) == 1 and found[0].span.line == 7  # where the map first meets a Dense layer


def test_buggy_fixture_gets_each_of_these_rules_where_the_mistake_is():
    source = (FIXTURES / "buggy_outputs_and_layers.py").read_text()
    result = analyze_text(source)
    assert not result.errors
    got = sorted((f.span.line, f.rule) for f in result.findings if f.rule in MY_RULES)
    assert got == [(12, "LRN102"), (13, "LRN201"), (18, "LRN103"), (18, "LRN202"), (25, "LRN205"), (25, "LRN701"),
                   (35, "LRN702"), (44, "LRN104"), (48, "LRN203"), (55, "LRN204")]  # one LRN104 for the linear stack
    # every rule of this file also fires on it alone: nothing depends on the other models
    others = [f.rule for f in result.findings if f.rule not in MY_RULES and f.severity is not Severity.INFO]
    assert others == []
    fixed_source, n = apply_fixes(source, result.findings)
    assert n == 6
    libcst.parse_module(fixed_source)
    assert "layers.Dense(10, activation=\"softmax\")])" in fixed_source  # one unit -> ten (mnist)
    assert "keras.losses.CategoricalCrossentropy(from_logits=False)" in fixed_source  # two fixes, one call
    # what is left has no safe fix: the feature map, the missing activations, mse on class indices
    left = sorted((f.rule, f.fix is not None and f.fix.safe) for f in analyze_text(fixed_source).findings)
    assert left == [("LRN104", False), ("LRN203", False), ("LRN702", False)]


def test_from_logits_not_known_statically_is_left_alone():
    src = """
    import keras
    def build(use_logits):
        model = keras.Sequential([keras.layers.Dense(10)])
        model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=use_logits), optimizer="adam")
        return model
    """
    assert "LRN103" not in rule_ids(src)
    assert "LRN103" in rule_ids(src.replace("from_logits=use_logits", "from_logits=False"))


@pytest.mark.parametrize("imports,expected", [
    ("from keras.layers import Dense as D, Conv2D as C", "from keras.layers import Dense as D, Conv2D as C, Flatten"),
    ("from tensorflow.keras.layers import (\n    Dense as D,\n    Conv2D as C,\n)",
     "from tensorflow.keras.layers import (\n    Dense as D,\n    Conv2D as C, Flatten,\n)"),
])
def test_flatten_fix_extends_an_aliased_or_parenthesised_import(imports, expected):
    src = imports + textwrap.dedent("""
    import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    m = keras.Sequential()
    m.add(C(8, 3, input_shape=(28, 28, 1)))
    m.add(D(10, activation="softmax"))
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    m.fit(x / 255.0, y)
    """)
    out = fixed(src, "LRN701")
    assert out.startswith(expected + "\n")
    assert "m.add(Flatten())\nm.add(D(10," in out


def test_add_calls_with_a_stray_trailing_comma_still_add_their_layer():
    src = """
    from keras.models import Sequential
    from keras.layers import Dense, Activation
    model = Sequential()
    model.add(Dense(64, input_dim=8)),
    model.add(Activation("relu")),
    model.add(Dense(32)),
    model.add(Activation("relu")),
    model.add(Dense(1, activation="sigmoid"))
    """
    result = analyze_text(src)
    assert [l.kind for l in result.program.models[0].layers] == ["Dense", "Activation", "Dense", "Activation", "Dense"]
    assert "LRN104" not in rule_ids(src)


def test_a_model_returned_directly_by_a_builder_function():
    src = """
    import keras
    from keras import layers

    def build_model(n):
        inputs = keras.Input(shape=(n,))
        x = layers.Dense(32, activation="relu")(inputs)
        return keras.Model(inputs, layers.Dense(1, activation="softmax")(x))

    def build_cnn():
        return keras.Sequential([layers.Conv2D(8, 3, input_shape=(8, 8, 1)), layers.MaxPooling2D(), layers.Conv2D(8, 5)])

    model = build_model(4)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    cnn = build_cnn()
    """
    ids = rule_ids(src)
    assert "LRN102" in ids and "LRN702" in ids


def test_feature_map_with_keras1_keyword_kernel_and_subsample():
    src = """
    from keras.models import Sequential
    from keras.layers import Convolution2D
    model = Sequential()
    model.add(Convolution2D(nb_filter=16, nb_row=3, nb_col=3, subsample=(2, 2), input_shape=(9, 9, 1)))
    model.add(Convolution2D(nb_filter=16, nb_row=5, nb_col=5))
    """
    found = only(src, "LRN702")
    assert len(found) == 1 and "4x4" in found[0].message and "5x5 kernel" in found[0].message
