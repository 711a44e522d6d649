"""Preprocessing and data rules: LRN501 (unscaled inputs), LRN601 (constant inputs), LRN602 (random labels),
LRN603 (validation_split on class-ordered data), LRN604 (labels outside the output range); and the data
provenance they stand on."""

from __future__ import annotations

import textwrap

import pytest
from conftest import analyze_text, rule_ids
from fixcheck import apply_fix, findings_of

from learnability.analysis.data import describe
from learnability.findings import Severity

CNN = """
model = keras.Sequential([
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
"""


def with_cnn(data: str, fit: str = "model.fit(x_train, y_train, epochs=5)", header: str = "from tensorflow import keras\nimport numpy as np") -> str:
    return f"{header}\n{textwrap.dedent(data).strip()}\n{CNN}{fit}\n"


# ----------------------------------------------------------------- LRN501 positives
@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist", "cifar10", "cifar100"])
def test_keras_datasets_are_uint8_pixels(dataset):
    src = with_cnn(f"(x_train, y_train), (x_test, y_test) = keras.datasets.{dataset}.load_data()")
    found = findings_of(src, "LRN501")
    assert len(found) == 1 and f"{dataset} pixels up to 255" in found[0].message
    out = apply_fix(src, "LRN501")
    assert "model.fit(x_train / 255.0, y_train, epochs=5)" in out


def test_random_inputs_times_100_with_module_constant():
    src = with_cnn("""
        SCALE = 100
        x_train = np.random.rand(200, 32, 32, 3) * SCALE
        y_train = np.random.randint(0, 10, 200)
    """)
    found = findings_of(src, "LRN501")
    assert len(found) == 1 and "up to 100" in found[0].message
    assert "x_train / 100.0" in apply_fix(src, "LRN501")


def test_dataset_imported_by_name_with_alias():
    src = with_cnn("""
        from tensorflow.keras.datasets import cifar10 as c10
        (x_train, y_train), _ = c10.load_data()
        x_train = x_train.astype("float32")
    """)
    assert rule_ids(src).count("LRN501") == 1


def test_image_dataset_from_directory_gets_a_rescaling_layer():
    src = """
    import tensorflow as tf
    train_ds = tf.keras.utils.image_dataset_from_directory("data/train", image_size=(180, 180))
    train_ds = train_ds.cache().prefetch(buffer_size=tf.data.AUTOTUNE)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(180, 180, 3)),
        tf.keras.layers.Conv2D(16, 3, activation="relu"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(5, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(train_ds, epochs=10)
    """
    found = findings_of(src, "LRN501")
    assert len(found) == 1 and "image files" in found[0].message
    out = apply_fix(src, "LRN501")
    assert "tf.keras.Input(shape=(180, 180, 3)),\n    tf.keras.layers.Rescaling(1.0 / 255), tf.keras.layers.Conv2D" in out


def test_image_data_generator_without_rescale_gets_rescale():
    src = """
    from tensorflow import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator
    datagen = ImageDataGenerator(rotation_range=20, horizontal_flip=True)
    train = datagen.flow_from_directory("data/train", target_size=(150, 150))
    model = keras.Sequential([keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(train, epochs=10)
    """
    out = apply_fix(src, "LRN501")
    assert "ImageDataGenerator(rotation_range=20, horizontal_flip=True, rescale=1.0 / 255)" in out


def test_tf_data_pipeline_from_unscaled_arrays_gets_a_rescaling_layer_not_a_division():
    src = """
    import tensorflow as tf
    from tensorflow import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(ds, epochs=5)
    """
    out = apply_fix(src, "LRN501")
    assert "keras.Sequential([keras.layers.Rescaling(1.0 / 255), keras.layers.Flatten()" in out


def test_functional_model_on_unscaled_pixels():
    src = """
    import tensorflow as tf
    (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    inputs = tf.keras.Input(shape=(28, 28))
    h = tf.keras.layers.Flatten()(inputs)
    outputs = tf.keras.layers.Dense(10, activation="softmax")(h)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, epochs=3)
    """
    assert rule_ids(src).count("LRN501") == 1


# ----------------------------------------------------------------- LRN501 negatives: scaled data
@pytest.mark.parametrize("data", [
    "(x_train, y_train), _ = keras.datasets.mnist.load_data()\nx_train = x_train / 255.0",
    "(x_train, y_train), _ = keras.datasets.mnist.load_data()\nx_train = x_train.astype('float32') / 255",
    "(x_train, y_train), _ = keras.datasets.mnist.load_data()\nx_train = x_train.astype('float32')\nx_train /= 255",
    "(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()\nx_train, x_test = x_train / 255.0, x_test / 255.0",
    "(x_train, y_train), _ = keras.datasets.cifar10.load_data()\nx_train = (x_train - x_train.mean()) / x_train.std()",
    "(x_train, y_train), _ = keras.datasets.cifar10.load_data()\nx_train = x_train / np.max(x_train)",
    "(x_train, y_train), _ = keras.datasets.cifar10.load_data()\nx_train = x_train / 127.5 - 1",
    "(x, y_train), _ = keras.datasets.mnist.load_data()\nfrom sklearn.preprocessing import StandardScaler\n"
    "scaler = StandardScaler()\nx_train = scaler.fit_transform(x.reshape(-1, 784))",
    "(x, y_train), _ = keras.datasets.mnist.load_data()\nfrom sklearn.preprocessing import MinMaxScaler\n"
    "x_train = MinMaxScaler().fit_transform(x.reshape(-1, 784))",
    "(x, y_train), _ = keras.datasets.mnist.load_data()\nfrom sklearn.preprocessing import minmax_scale\nx_train = minmax_scale(x)",
    "x_train = np.random.rand(100, 28, 28, 1)\ny_train = np.random.randint(0, 10, 100)",
    "x_train = np.random.randn(100, 28, 28, 1)\ny_train = np.random.randint(0, 10, 100)",
    "x_train, y_train = load_my_data()",
    "(x_train, y_train), _ = keras.datasets.mnist.load_data()\nx_train = preprocess(x_train)",
])
def test_scaled_or_unknown_inputs_are_not_reported(data):
    assert "LRN501" not in rule_ids(with_cnn(data))


def test_first_rescaling_or_normalization_layer_counts_as_scaling():
    for first in ("keras.layers.Rescaling(1.0 / 255)", "keras.layers.Normalization()", "keras.layers.BatchNormalization()"):
        src = f"""
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
model = keras.Sequential([{first}, keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5)
"""
        assert "LRN501" not in rule_ids(src), first


@pytest.mark.parametrize("src", [
    # ImageDataGenerator(rescale=...) + flow
    """
from tensorflow import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator
(x, y), _ = keras.datasets.cifar10.load_data()
gen = ImageDataGenerator(rescale=1. / 255, rotation_range=10)
model = keras.Sequential([keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(gen.flow(x, y, batch_size=32), epochs=5)
""",
    # a data-augmentation model with its own Rescaling
    """
from tensorflow import keras
train_ds = keras.utils.image_dataset_from_directory("d")
preprocess = keras.Sequential([keras.layers.Rescaling(1. / 255), keras.layers.RandomFlip()])
inputs = keras.Input(shape=(180, 180, 3))
h = preprocess(inputs)
h = keras.layers.Conv2D(8, 3, activation="relu")(h)
h = keras.layers.GlobalAveragePooling2D()(h)
outputs = keras.layers.Dense(5, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
""",
    # pretrained applications take 0-255 inputs (EfficientNet rescales inside)
    """
from tensorflow import keras
(x, y), _ = keras.datasets.cifar10.load_data()
base = keras.applications.EfficientNetB0(include_top=False, input_shape=(32, 32, 3))
inputs = keras.Input(shape=(32, 32, 3))
h = keras.layers.GlobalAveragePooling2D()(base(inputs))
outputs = keras.layers.Dense(10, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=5)
""",
    # token ids into an Embedding are indices, not intensities
    """
import numpy as np
from tensorflow import keras
x = np.random.randint(0, 10000, size=(100, 20))
y = np.array(labels)
model = keras.Sequential([keras.layers.Embedding(10000, 16), keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, epochs=5)
""",
    # the dataset is scaled by .map
    """
import tensorflow as tf
ds = tf.keras.utils.image_dataset_from_directory("d")
ds = ds.map(lambda x, y: (x / 255.0, y))
model = tf.keras.Sequential([tf.keras.layers.Conv2D(8, 3, activation="relu"), tf.keras.layers.Flatten(), tf.keras.layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(ds, epochs=5)
""",
])
def test_inputs_scaled_elsewhere_are_not_reported(src):
    assert "LRN501" not in rule_ids(src)


def test_unscaled_threshold_is_configurable():
    from learnability.config import Config
    src = with_cnn("x_train = np.random.rand(100, 28, 28, 1) * 5\ny_train = np.random.randint(0, 10, 100)")
    assert "LRN501" not in rule_ids(src)
    assert "LRN501" in rule_ids(src, Config().merged({"thresholds": {"input_max_abs": 2}}))


# ----------------------------------------------------------------- LRN601
def test_constant_inputs_from_ones_zeros_full():
    for maker in ("np.ones((100, 28, 28, 1))", "np.zeros((100, 28, 28, 1))", "np.full((100, 28, 28, 1), 0.5)",
                  "np.ones((100, 28, 28, 1)) * 3"):
        src = with_cnn(f"x_train = {maker}\ny_train = np.random.randint(0, 10, 100)")
        found = findings_of(src, "LRN601")
        assert len(found) == 1 and found[0].severity is Severity.ERROR, maker


@pytest.mark.parametrize("data", [
    # the common "preallocate, then fill" idiom
    "x_train = np.zeros((100, 28, 28, 1))\nfor i in range(100):\n    x_train[i] = load(i)\ny_train = np.random.randint(0, 10, 100)",
    "x_train = np.zeros((100, 28, 28, 1))\nx_train += np.random.randn(100, 28, 28, 1)\ny_train = np.random.randint(0, 10, 100)",
    "x_train = np.ones((100, 28, 28, 1)) + np.random.rand(100, 28, 28, 1) * 0.1\ny_train = np.random.randint(0, 10, 100)",
    "x_train = np.empty((100, 28, 28, 1))\nfill(x_train)\ny_train = np.random.randint(0, 10, 100)",
])
def test_arrays_filled_or_perturbed_after_creation_are_not_constant(data):
    assert "LRN601" not in rule_ids(with_cnn(data))


# ----------------------------------------------------------------- LRN602
def test_random_labels_are_information():
    src = with_cnn("x_train = np.random.rand(100, 28, 28, 1)\ny_train = np.random.randint(0, 10, 100)")
    found = findings_of(src, "LRN602")
    assert len(found) == 1 and found[0].severity is Severity.INFO


def test_random_labels_from_a_generator_object():
    src = with_cnn("rng = np.random.default_rng(0)\nx_train = rng.random((100, 28, 28, 1))\ny_train = rng.integers(0, 10, size=100)")
    assert rule_ids(src).count("LRN602") == 1


@pytest.mark.parametrize("data", [
    # inputs built from the labels: learnable
    "n = 100\ny_train = np.random.randint(0, 10, n)\nx_train = np.random.rand(n, 28, 28, 1) + y_train[:, None, None, None]",
    "y_train = np.random.randint(0, 10, 100)\nx_train = np.random.rand(100, 28, 28, 1)\nx_train[y_train == 1] += 2.0",
    "(x_train, y_train), _ = keras.datasets.mnist.load_data()\nx_train = x_train / 255.0",
])
def test_labels_tied_to_the_inputs_are_not_random(data):
    assert "LRN602" not in rule_ids(with_cnn(data))


# ----------------------------------------------------------------- LRN603
BINARY = """
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


@pytest.mark.parametrize("labels", [
    "y = np.array([0] * 100 + [1] * 100)",
    "y = np.concatenate([np.zeros(100), np.ones(100)])",
    "y = np.repeat(np.arange(2), 100)",
    "y = np.repeat([0, 1], 100)",
    "y = np.array([0] * len(cats) + [1] * len(dogs))",
    "y = np.array([0] * n_per_class + [1] * n_per_class)\ny = y.reshape(-1, 1)",
])
def test_validation_split_on_class_blocks_is_a_warning_even_with_shuffle_true(labels):
    src = f"import numpy as np\nfrom tensorflow import keras\nx = np.random.rand(200, 8)\n{labels}\n{BINARY}" \
          "model.fit(x, y, epochs=5, validation_split=0.2, shuffle=True)\n"
    found = findings_of(src, "LRN603")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert "shuffle X and y first" in found[0].message


@pytest.mark.parametrize("shuffle", [
    "p = np.random.permutation(len(y))\nx, y = x[p], y[p]",
    "idx = np.arange(len(y))\nnp.random.shuffle(idx)\nx, y = x[idx], y[idx]",
    "from sklearn.utils import shuffle\nx, y = shuffle(x, y, random_state=0)",
    "np.random.shuffle(y)",
    "from sklearn.model_selection import train_test_split\nx, x_val, y, y_val = train_test_split(x, y, test_size=0.2)",
])
def test_shuffling_before_fit_silences_the_ordered_split(shuffle):
    src = f"import numpy as np\nfrom tensorflow import keras\nx = np.random.rand(200, 8)\ny = np.array([0] * 100 + [1] * 100)\n" \
          f"{shuffle}\n{BINARY}model.fit(x, y, epochs=5, validation_split=0.2)\n"
    assert "LRN603" not in rule_ids(src)


def test_ordered_blocks_without_validation_split_are_fine():
    src = f"import numpy as np\nfrom tensorflow import keras\nx = np.random.rand(200, 8)\ny = np.array([0] * 100 + [1] * 100)\n" \
          f"{BINARY}model.fit(x, y, epochs=5, validation_data=(x, y))\n"
    assert "LRN603" not in rule_ids(src)


def test_train_test_split_without_shuffle_keeps_the_order():
    src = f"import numpy as np\nfrom tensorflow import keras\nfrom sklearn.model_selection import train_test_split\n" \
          f"x = np.random.rand(200, 8)\ny = np.array([0] * 100 + [1] * 100)\n" \
          f"x_tr, x_te, y_tr, y_te = train_test_split(x, y, shuffle=False)\n{BINARY}" \
          "model.fit(x_tr, y_tr, epochs=5, validation_split=0.1)\n"
    assert "LRN603" in rule_ids(src)


# ----------------------------------------------------------------- LRN604
def test_multiclass_labels_on_one_sigmoid_unit():
    src = """
    import numpy as np
    from tensorflow import keras
    num_classes = 10
    X = np.random.rand(200, 8)
    y = np.random.randint(0, num_classes, 200)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, y, epochs=5)
    """
    found = findings_of(src, "LRN604")
    # measured: it trains, but every class above 1 is pushed to the same output (a warning, not an error)
    assert len(found) == 1 and found[0].severity is Severity.WARNING and "0 to 9" in found[0].message


def test_one_based_labels_with_sparse_crossentropy():
    src = """
    import numpy as np
    from tensorflow.keras import Sequential
    from tensorflow.keras.layers import Dense
    X = np.random.rand(200, 8)
    y = np.random.randint(1, 11, 200)
    model = Sequential()
    model.add(Dense(16, activation="relu"))
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=5)
    """
    found = findings_of(src, "LRN604")
    assert len(found) == 1 and "10 output units take 0..9" in found[0].message and "y - 1" in found[0].message


def test_negative_labels_with_sparse_crossentropy():
    src = """
    import numpy as np
    from tensorflow import keras
    X = np.random.rand(200, 8)
    y = np.random.randint(-1, 4, 200)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(5, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=5)
    """
    found = findings_of(src, "LRN604")
    assert len(found) == 1 and "label -1" in found[0].message


def test_labels_in_range_are_fine():
    src = """
    import numpy as np
    from tensorflow import keras
    (x, y), _ = keras.datasets.mnist.load_data()
    x = x / 255.0
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=5)
    b = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    b.compile(optimizer="adam", loss="binary_crossentropy")
    b.fit(np.random.rand(10, 3), np.random.randint(0, 2, 10), epochs=5)
    """
    assert "LRN604" not in rule_ids(src)


def test_too_few_units_for_dataset_classes_is_left_to_the_units_rule():
    src = """
    from tensorflow import keras
    (x, y), _ = keras.datasets.cifar100.load_data()
    x = x / 255.0
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=5)
    """
    ids = rule_ids(src)
    assert "LRN604" not in ids and "LRN205" in ids


# ----------------------------------------------------------------- provenance details
def _describe_last_fit(src: str):
    program = analyze_text(src).program
    fit = program.models[-1].fits[-1]
    return describe(program, fit.x, fit.call.index), describe(program, fit.y, fit.call.index)


def test_provenance_of_sample_counts_and_classes():
    x, y = _describe_last_fit("import numpy as np\nfrom tensorflow import keras\nn = 64\nX = np.random.rand(n, 4)\n"
                              "y = np.repeat(np.arange(4), 16)\n" + BINARY + "model.fit(X, y)\n")
    assert x.n_samples == 64 and x.source == "random_uniform"
    assert y.ordered_blocks and y.n_classes == 4 and y.n_samples == 64 and (y.low, y.high) == (0.0, 3.0)


def test_provenance_of_slices_keeps_order_but_forgets_counts():
    x, y = _describe_last_fit("import numpy as np\nfrom tensorflow import keras\nX = np.random.rand(200, 4)\n"
                              "y = np.array([0] * 100 + [1] * 100)\n" + BINARY + "model.fit(X[:150], y[:150])\n")
    assert y.ordered_blocks and x.n_samples is None


def test_labels_filtered_by_a_mask_are_not_reported_out_of_range():
    src = """
    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    mask = y_train < 2
    x_train = x_train[mask] / 255.0
    y_train = y_train[mask]
    m = keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    m.fit(x_train, y_train, epochs=5)
    """
    assert "LRN604" not in rule_ids(src)
    assert "LRN604" in rule_ids(src.replace("    y_train = y_train[mask]\n", ""))


def test_labels_regrouped_modulo_two_are_not_reported_out_of_range():
    src = """
    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    m = keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy")
    m.fit(x_train / 255.0, y_train % 2, epochs=5)
    """
    assert "LRN604" not in rule_ids(src)
