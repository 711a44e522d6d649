"""Value ranges read off the code (analysis/data.py): np.arange / linspace / range, arithmetic on ranges,
elementwise functions, clipping, toy tabular datasets, files; constants through indexing into literals."""

from __future__ import annotations

import libcst as cst
import pytest
from conftest import analyze_text

from learnability.analysis.data import describe


def info_of(source: str, name: str = "v"):
    program = analyze_text(source).program
    return describe(program, cst.Name(name), len(program.stmts))


@pytest.mark.parametrize(("source", "low", "high"), [
    ("import numpy as np\nv = np.arange(10)\n", 0, 9),
    ("import numpy as np\nv = np.arange(-100, 100, 4)\n", -100, 96),
    ("import numpy as np\nv = np.arange(0, 1, 0.25)\n", 0, 0.75),
    ("v = list(range(1900, 2020))\n", 1900, 2019),
    ("import numpy as np\nv = np.linspace(-3, 5, 50)\n", -3, 5),
    ("import numpy as np\nv = np.linspace(-1, 1, 50) * 3 - 2\n", -5, 1),
    ("import numpy as np\nv = np.arange(-10, 11) ** 2\n", 0, 100),
    ("import numpy as np\nv = 30000 + 1500 * np.linspace(0, 40, 10)\n", 30000, 90000),
    ("import numpy as np\nv = 10 - np.arange(5)\n", 6, 10),
    ("import numpy as np\nv = np.sin(np.linspace(0, 6, 100))\n", -1, 1),
    ("import numpy as np\nv = np.abs(np.linspace(-4, 2, 100))\n", 0, 4),
    ("import numpy as np\nv = np.clip(np.random.uniform(-3, 3, size=(10, 2)), 0, 1) / 255.0\n", 0, 1 / 255),
    # array (op) array: interval arithmetic; one expression times itself is a square
    ("import numpy as np\nx = np.random.uniform(-2, 2, size=(9, 1))\nv = x * x\n", 0, 4),
    ("import numpy as np\nx = np.random.uniform(-2, 3, size=9)\nw = np.linspace(1, 2, 9)\nv = x * w\n", -4, 6),
    ("import numpy as np\nx = np.random.rand(9)\nw = np.linspace(1, 2, 9)\nv = x + w\n", 1, 3),
])
def test_ranges(source, low, high):
    info = info_of(source)
    assert info.low == pytest.approx(low) and info.high == pytest.approx(high)


def test_toy_datasets_have_known_ranges():
    boston = """
        from keras.datasets import boston_housing
        (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    """
    assert info_of(boston, "x_train").high == 711 and info_of(boston, "y_train").low == 5
    iris = "from sklearn.datasets import load_iris\nX, y = load_iris(return_X_y=True)\n"
    assert info_of(iris, "y").n_classes == 3 and info_of(iris, "X").high == pytest.approx(7.9)


def test_a_file_reader_gives_data_of_unknown_range():
    info = info_of("import pandas as pd\nv = pd.read_csv('data.csv')\n")
    assert info.from_file and info.source == "file" and info.high is None


def test_labels_rescaled_and_standardised_are_marked():
    assert info_of("import numpy as np\ny = np.arange(10)\nv = y / 255.0\n").rescaled
    assert not info_of("import numpy as np\ny = np.arange(10)\nv = y // 2\n").rescaled
    standardised = info_of("import numpy as np\ny = np.arange(10) * 1.0\nv = (y - y.mean()) / y.std()\n")
    assert standardised.rescaled and standardised.centred
    scalers = """
        import numpy as np
        from sklearn.preprocessing import StandardScaler, MinMaxScaler
        y = np.arange(10).reshape(-1, 1)
        v = StandardScaler().fit_transform(y)
        w = MinMaxScaler().fit_transform(y)
    """
    assert info_of(scalers).centred and info_of(scalers).rescaled
    assert info_of(scalers, "w").rescaled and not info_of(scalers, "w").centred


def test_multi_label_targets_are_marked():
    made = "from sklearn.datasets import make_multilabel_classification\nX, v = make_multilabel_classification()\n"
    assert info_of(made).multi_hot and not info_of(made, "X").multi_hot
    binarised = "from sklearn.preprocessing import MultiLabelBinarizer\nv = MultiLabelBinarizer().fit_transform([['a'], ['a', 'b']])\n"
    assert info_of(binarised).multi_hot


@pytest.mark.parametrize(("expr", "value"), [
    ("rates[1]", 0.8), ("rates[-1]", 0.8), ("layers_cfg[0][1]", 2), ("rates[2]", None),
])
def test_constants_follow_indexing_into_literal_tuples_and_lists(expr, value):
    from learnability.analysis.program import NOTHING

    program = analyze_text(f"rates = (0.5, 0.8)\nlayers_cfg = [[1, 2], [3]]\nv = {expr}\n").program
    got = program.const(cst.parse_expression(expr), len(program.stmts))
    assert (got is NOTHING) if value is None else got == value


def test_dropout_rate_from_an_indexed_tuple_is_checked():
    from conftest import rule_ids

    source = """
        import keras
        from keras import layers
        rates = (0.2, 0.9)
        model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dropout(rates[1]),
                                  layers.Dense(1, activation="sigmoid")])
    """
    assert "LRN703" in rule_ids(source)
    assert "LRN703" not in rule_ids(source.replace("rates[1]", "rates[0]"))


def test_a_matrix_product_has_no_known_range():
    info = info_of("import numpy as np\nx = np.random.rand(9, 3)\nv = x @ np.arange(1, 4)\n")
    assert info.low is None and info.high is None


@pytest.mark.parametrize(("source", "low", "high", "rescaled"), [
    # divided, then cast to an integer dtype: binned into classes (0..9), no longer 'rescaled'
    ("import numpy as np\na = np.random.randint(0, 100, size=50)\nv = (a / 10).astype(int)\n", 0, 9, False),
    ("import numpy as np\na = np.random.randint(0, 100, size=50)\nv = (a / 10).astype('int32')\n", 0, 9, False),
    # class labels / 255 cast to int all truncate to 0: still 'rescaled'
    ("import numpy as np\na = np.random.randint(0, 10, size=50)\nv = (a / 255).astype(np.int64)\n", 0, 0, True),
])
def test_a_cast_to_an_integer_dtype_truncates(source, low, high, rescaled):
    info = info_of(source)
    assert (info.low, info.high, info.rescaled) == (low, high, rescaled)


def test_repeat_of_an_arange_with_a_start_keeps_its_values():
    info = info_of("import numpy as np\nv = np.repeat(np.arange(1, 6), 20) - 1\n")
    assert (info.low, info.high) == (0, 4)
    info = info_of("import numpy as np\nv = np.repeat(np.arange(1, 6), 20)\n")
    assert (info.n_classes, info.n_samples) == (5, 100)


def test_file_columns_stay_from_the_file_through_pandas_selections():
    for expr in ("df.drop('price', axis=1).values", "df.iloc[:, 1:-1].to_numpy(dtype='float32')",
                 "df[['a', 'b']].dropna().values"):
        info = info_of(f"import pandas as pd\ndf = pd.read_csv('houses.csv')\nv = {expr}\n")
        assert info.from_file and not info.scaled, expr
    assert info_of("import pandas as pd\ndf = pd.read_csv('h.csv')\nv = df.values / 1000.0\n").scaled


@pytest.mark.parametrize(("expr", "ndim"), [
    ("x", 3), ("x.reshape(-1, 784)", 2), ("x.reshape((60000, 28, 28, 1))", 4), ("np.expand_dims(x, -1)", 4),
    ("x[..., None]", 4), ("x[:, :, :, np.newaxis]", 4), ("x[:100]", 3), ("np.reshape(x, (len(x), 784)) / 255.0", 2),
    ("x[0]", None), ("x.reshape(shape)", None),
])
def test_the_number_of_dimensions_follows_reshapes(expr, ndim):
    source = ("import numpy as np\nimport keras\n(x, y), _ = keras.datasets.mnist.load_data()\n"
              f"v = {expr}\n")
    info = info_of(source)
    assert info.ndim == ndim and info.reshaped == (expr != "x" and expr != "x[:100]" and expr != "x[0]")


MULTI_HOT = {
    "several at once": "y[i, np.random.choice(k, 2, replace=False)] = 1",
    "a slice": "y[i, 2:4] = 1",
    "an inner loop over the row's labels": "for t in rows[i]:\n        y[i, t] = 1",
}
ONE_HOT = {
    "one per row": "y[i, labels[i]] = 1",
    "a loop over every class": "for j in range(k):\n        if labels[i] == j:\n            y[i, j] = 1",
    "a share of the row (soft label)": "for t in rows[i]:\n        y[i, t] = 1 / len(rows[i])",
}


@pytest.mark.parametrize(("write", "multi"), [(w, True) for w in MULTI_HOT.values()] +
                         [(w, False) for w in ONE_HOT.values()], ids=[*MULTI_HOT, *ONE_HOT])
def test_a_zeros_array_filled_with_several_ones_per_row_is_multi_hot(write, multi):
    source = ("import numpy as np\nn, k = 100, 5\nlabels = np.random.randint(0, k, n)\n"
              "rows = [[0, 1], [2]] * 50\ny = np.zeros((n, k))\n"
              f"for i in range(n):\n    {write}\nv = y\n")
    assert info_of(source).multi_hot is multi
