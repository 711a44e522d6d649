"""Idioms of the real-world corpus (tests/corpus/FALSE_PATTERNS.md) that were reported falsely, reduced
to small programs that must stay silent, each next to the true case that must still fire."""

from __future__ import annotations

import json

from conftest import analyze_text
from fixcheck import apply_fix, findings_of
from learnability.engine import Analyzer
from learnability.findings import Severity
from learnability.fixes import apply_edits
from learnability.sources import notebook_source


def _rules(source: str, rule: str) -> list[str]:
    return [f.message for f in findings_of(source, rule)]


# ----------------------------------------------------------------- parser: a tab after a space
# bnsreenu 259_mnist_classification.py: a def body indented " \t" (CPython: column 8), an inner block
# with 9 spaces; libcst alone says "no matching outer block for dedent".
TAB_INDENTED = (
    "from tensorflow import keras\n"
    "def build():\n"
    " \tmodel = keras.Sequential([keras.layers.Dense(8, activation='relu'), keras.layers.Dense(1)])\n"
    " \tif model is not None:\n"
    "         model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss='mse')\n"
    " \treturn model\n"
    "model = build()\n"
)


def test_indentation_python_accepts_is_not_a_syntax_error_and_keeps_its_model():
    compile(TAB_INDENTED, "t.py", "exec")  # Python accepts it
    result = analyze_text(TAB_INDENTED)
    assert result.errors == []
    assert [m.kind for m in result.program.models] == ["sequential"]
    assert [f.rule for f in result.findings] == ["LRN001"]  # lr= on the 9-space line is still seen


def test_fixes_on_tab_indented_lines_land_on_the_original_columns():
    found = findings_of(TAB_INDENTED, "LRN001")
    (finding,) = found
    line = TAB_INDENTED.splitlines()[finding.span.line - 1]
    assert line[finding.span.column:finding.span.end_column] == "lr"
    out = apply_edits(TAB_INDENTED, finding.fix.edits)
    assert out == TAB_INDENTED.replace("Adam(lr=0.01)", "Adam(learning_rate=0.01)")
    compile(out, "t.py", "exec")


def test_code_python_rejects_is_still_a_syntax_error():
    result = analyze_text("from tensorflow import keras\ny_train = ### YOUR CODE HERE\n")
    assert [e.kind for e in result.errors] == ["syntax"]


# ----------------------------------------------------------------- notebooks: `!cmd \` continued
def _notebook(*cells: str) -> dict:
    return {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c}
                      for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_shell_escape_continued_with_backslashes_is_one_shell_command(tmp_path):
    # mrdbourke 04_transfer_learning cell 41
    upload = ('!tensorboard dev upload --logdir ./tensorflow_hub/ \\\n'
              '  --name "EfficientNetB0 vs. ResNet50V2" \\\n'
              '  --description "Comparing two models" \\\n'
              '  --one_shot\n')
    src = notebook_source(tmp_path / "n.ipynb", _notebook("import numpy as np\n", upload, "x = np.zeros(3)\n"))
    result = Analyzer().analyze(src.text, "n.ipynb")
    assert result.errors == []


def test_a_python_line_continued_after_a_shell_line_is_still_python(tmp_path):
    cell = "!pip install keras\nx = (1 +\n     2) \\\n    + 3\ny = x +\n"
    src = notebook_source(tmp_path / "n.ipynb", _notebook(cell))
    result = Analyzer().analyze(src.text, "n.ipynb")
    assert [e.kind for e in result.errors] == ["syntax"]  # `y = x +` is an error, as in IPython


# ----------------------------------------------------------------- LRN901: steps, not epochs
MODEL = """
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""


def test_one_epoch_of_a_keras_data_set_is_hundreds_of_steps():
    # MorvanZhou 6-CNN_example.py: 60,000 MNIST images, batch 64, epochs=1
    src = ("from tensorflow import keras\n(X_train, y_train), (X_test, y_test) = keras.datasets.mnist.load_data()\n"
           "X_train = X_train.reshape(-1, 28, 28, 1) / 255.\n" + MODEL
           + "model.fit(X_train, y_train, epochs=1, batch_size=64)\n")
    assert findings_of(src, "LRN901") == []
    # leriomaggio 7.1 RNN and LSTM: 25,000 IMDB reviews, batch_size from a constant
    imdb = ("from keras.datasets import imdb\nfrom keras.preprocessing import sequence\nfrom tensorflow import keras\n"
            "batch_size = 32\n(X_train, y_train), (X_test, y_test) = imdb.load_data(num_words=20000)\n"
            "X_train = sequence.pad_sequences(X_train, maxlen=100)\n" + MODEL
            + "model.fit(X_train, y_train, batch_size=batch_size, epochs=1)\n")
    assert findings_of(imdb, "LRN901") == []


def test_one_epoch_of_a_loader_named_after_a_data_set_or_of_many_csv_rows():
    # Hvass-Labs 03C: data = MNIST(data_dir=...) from the tutorial's own module
    src = ("from mnist import MNIST\nfrom tensorflow import keras\ndata = MNIST(data_dir='data/MNIST/')\n" + MODEL
           + "model.fit(x=data.x_train, y=data.y_train, epochs=1, batch_size=128)\n")
    assert findings_of(src, "LRN901") == []
    # PacktPublishing Chapter03/main.py: read_csv(nrows=500000), preprocessed, split, fit with epochs=1
    csv = ("import pandas as pd\nfrom sklearn.model_selection import train_test_split\nfrom tensorflow import keras\n"
           "df = pd.read_csv('NYC_taxi.csv', nrows=500000)\ndf = preprocess(df)\n"
           "X = df.loc[:, df.columns != 'fare_amount']\ny = df.fare_amount\n"
           "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\n" + MODEL
           + "model.fit(X_train, y_train, epochs=1)\n")
    assert findings_of(csv, "LRN901") == []


def test_one_epoch_of_unknown_size_is_not_reported():
    src = "import pandas as pd\nfrom tensorflow import keras\nX = pd.read_csv('x.csv')\ny = X.pop('y')\n" + MODEL
    assert findings_of(src + "model.fit(X, y, epochs=1)\n", "LRN901") == []


def test_one_epoch_of_few_steps_is_reported_with_the_step_count():
    head = "import numpy as np\nfrom tensorflow import keras\nX = np.random.rand(500, 8)\ny = np.random.randint(0, 10, 500)\n"
    (f,) = findings_of(head + MODEL + "model.fit(X, y, epochs=1)\n", "LRN901")
    assert "16 optimizer steps" in f.message and f.severity == Severity.INFO
    out = apply_fix(head + MODEL + "model.fit(X, y, epochs=1)\n", "LRN901")
    assert "epochs=10" in out
    # a slice of a large data set is small again
    mnist = ("from tensorflow import keras\n(X_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "X_train = X_train / 255.0\n" + MODEL + "model.fit(X_train[:1000], y_train[:1000], epochs=1, batch_size=128)\n")
    (f,) = findings_of(mnist, "LRN901")
    assert "1,000 samples" in f.message and "8 optimizer steps" in f.message
    # steps_per_epoch says it directly
    gen = head + MODEL + "model.fit(gen, epochs=1, steps_per_epoch=20)\n"
    assert "20 optimizer steps" in findings_of(gen, "LRN901")[0].message
    assert findings_of(head + MODEL + "model.fit(gen, epochs=1, steps_per_epoch=500)\n", "LRN901") == []


def test_zero_epochs_is_an_error_whatever_the_data_size():
    src = ("from tensorflow import keras\n(X_train, y_train), _ = keras.datasets.mnist.load_data()\n"
           "X_train = X_train / 255.0\n" + MODEL + "model.fit(X_train, y_train, epochs=0)\n")
    assert [f.severity for f in findings_of(src, "LRN901")] == [Severity.ERROR]
