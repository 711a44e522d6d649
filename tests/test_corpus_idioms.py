"""Idioms of the real-world corpus (tests/corpus/FALSE_PATTERNS.md) that were reported falsely, reduced
to small programs that must stay silent, each next to the true case that must still fire."""

from __future__ import annotations

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
    assert "is only 16 steps" in f.message and f.severity == Severity.INFO
    out = apply_fix(head + MODEL + "model.fit(X, y, epochs=1)\n", "LRN901")
    assert "epochs=10" in out
    # a slice of a large data set is small again
    mnist = ("from tensorflow import keras\n(X_train, y_train), _ = keras.datasets.mnist.load_data()\n"
             "X_train = X_train / 255.0\n" + MODEL + "model.fit(X_train[:1000], y_train[:1000], epochs=1, batch_size=128)\n")
    (f,) = findings_of(mnist, "LRN901")
    assert "1,000 samples" in f.message and "is only 8 steps" in f.message
    # a slice of the feature axis or inside a comprehension is not a sample count
    feature = mnist.replace("model.fit(X_train[:1000], y_train[:1000],", "model.fit(X_train[:, 2:5], y_train,")
    assert findings_of(feature, "LRN901") == []
    texts = mnist.replace("X_train = X_train / 255.0\n", "X_train = np.array([x[:10] for x in X_train]) / 255.0\n")
    texts = texts.replace("model.fit(X_train[:1000], y_train[:1000],", "model.fit(X_train, y_train,")
    assert findings_of("import numpy as np\n" + texts, "LRN901") == []
    # steps_per_epoch says it directly
    gen = head + MODEL + "model.fit(gen, epochs=1, steps_per_epoch=20)\n"
    assert "is only 20 steps" in findings_of(gen, "LRN901")[0].message
    assert findings_of(head + MODEL + "model.fit(gen, epochs=1, steps_per_epoch=500)\n", "LRN901") == []


def test_zero_epochs_is_an_error_whatever_the_data_size():
    src = ("from tensorflow import keras\n(X_train, y_train), _ = keras.datasets.mnist.load_data()\n"
           "X_train = X_train / 255.0\n" + MODEL + "model.fit(X_train, y_train, epochs=0)\n")
    assert [f.severity for f in findings_of(src, "LRN901")] == [Severity.ERROR]


# ----------------------------------------------------------------- LRN501: judge by the model and the magnitude
LINEAR_REGRESSION = """
import tensorflow as tf
X = tf.constant([-7.0, -4.0, -1.0, 2.0, 5.0, 8.0, 11.0, 14.0])
y = tf.constant([3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0])
model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
model.compile(loss=tf.keras.losses.mae, optimizer=tf.keras.optimizers.SGD(), metrics=["mae"])
model.fit(tf.expand_dims(X, axis=-1), y, epochs=5)
"""


def test_small_raw_values_into_a_linear_regression_are_fine():
    # mrdbourke 01_neural_network_regression cells 18 and 25: values up to 14 into one Dense(1)
    assert findings_of(LINEAR_REGRESSION, "LRN501") == []


def test_raw_pixels_into_a_model_with_no_hidden_layer_are_a_note_on_conditioning():
    src = LINEAR_REGRESSION.replace("14.0])", "255.0])")
    (f,) = findings_of(src, "LRN501")
    assert f.severity == Severity.INFO and f.message.endswith("divide by 255.0")  # a note: nothing saturates


def test_the_same_values_into_a_hidden_sigmoid_layer_saturate_it():
    src = LINEAR_REGRESSION.replace("[tf.keras.layers.Dense(1)]",
                                    "[tf.keras.layers.Dense(8, activation='sigmoid'), tf.keras.layers.Dense(1)]")
    (f,) = findings_of(src, "LRN501")
    assert f.severity == Severity.WARNING and f.message.endswith("divide by 14.0")


def test_raw_pixels_into_an_mlp_are_still_a_warning():
    # mrdbourke 02 cell 143: fashion_mnist 0-255 into Flatten, Dense(4, relu), Dense(4, relu), Dense(10)
    src = """
import tensorflow as tf
(train_data, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)), tf.keras.layers.Dense(4, activation="relu"),
                             tf.keras.layers.Dense(4, activation="relu"), tf.keras.layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(train_data, train_labels, epochs=10)
"""
    (f,) = findings_of(src, "LRN501")
    assert f.severity == Severity.WARNING and "255" in f.message and "saturate" not in f.message


# ----------------------------------------------------------------- LRN104: codes, projections, one stack
def test_an_autoencoders_linear_code_is_intended():
    # MorvanZhou 9-Autoencoder_example.py: the 2-D code is the encoder model's output, plotted
    src = """
from keras.layers import Input, Dense
from keras.models import Model
input_img = Input(shape=(784,))
encoded = Dense(10, activation='relu')(input_img)
encoder_output = Dense(2)(encoded)
decoded = Dense(10)(encoder_output)
decoded = Dense(784, activation='tanh')(decoded)
autoencoder = Model(input_img, decoded)
encoder = Model(inputs=input_img, outputs=encoder_output)
"""
    found = findings_of(src, "LRN104")
    # the code layer is silent; the decoder's own linear Dense(10) feeding Dense(784) is still reported
    assert [f.span.line for f in found] == [7]


def test_a_decoders_projection_to_a_feature_map_is_not_a_stacked_linear_layer():
    # PacktPublishing denoising-autoencoder-mnist-3.3.1.py: latent -> Dense -> Reshape -> Conv2DTranspose
    src = """
from tensorflow.keras.layers import Input, Dense, Reshape, Conv2DTranspose
from tensorflow.keras.models import Model
latent_inputs = Input(shape=(16,))
x = Dense(7 * 7 * 64)(latent_inputs)
x = Reshape((7, 7, 64))(x)
x = Conv2DTranspose(32, 3, strides=2, activation='relu', padding='same')(x)
outputs = Conv2DTranspose(1, 3, activation='sigmoid', padding='same')(x)
decoder = Model(latent_inputs, outputs)
"""
    assert findings_of(src, "LRN104") == []
    # a linear Conv feeding a Dense through Flatten is still two linear maps
    conv = src.replace("x = Dense(7 * 7 * 64)(latent_inputs)\nx = Reshape((7, 7, 64))(x)\n",
                       "x = Reshape((4, 4, 1))(latent_inputs)\nx = Conv2DTranspose(8, 3)(x)\n")
    conv = conv.replace("outputs = Conv2DTranspose(1, 3, activation='sigmoid', padding='same')(x)",
                        "outputs = Dense(1, activation='sigmoid')(x)")
    assert len(findings_of(conv, "LRN104")) == 1


def test_an_all_linear_stack_is_one_finding_whose_fix_adds_relu_to_every_hidden_layer():
    # mrdbourke 02 cell 33: Dense(100), Dense(10), Dense(1) on circles
    src = """
import tensorflow as tf
model = tf.keras.Sequential([
  tf.keras.layers.Dense(100),
  tf.keras.layers.Dense(10),
  tf.keras.layers.Dense(1)
])
"""
    (f,) = findings_of(src, "LRN104")
    assert f.severity == Severity.WARNING and f.span.line == 4
    out = apply_fix(src, "LRN104")
    assert "Dense(100, activation=\"relu\")" in out and "Dense(10, activation=\"relu\")" in out
    assert "Dense(1)\n" in out


def test_two_identical_linear_lines_are_two_layers():
    src = """
from keras.layers import Input, Dense
from keras.models import Model
inputs = Input(shape=(8,))
x = Dense(16, activation='relu')(inputs)
x = Dense(16)(x)
x = Dense(16, activation='relu')(x)
x = Dense(16)(x)
x = Dense(16, activation='relu')(x)
model = Model(inputs, Dense(1)(x))
"""
    assert [f.span.line for f in findings_of(src, "LRN104")] == [6, 8]


# ----------------------------------------------------------------- LRN801: the true cause, once per model
BROKEN = """
from keras.layers import Input, Dense
from keras.models import Model
from keras.initializers import Constant
const_initializer = Constant(value=0)
inputs = Input(shape=(10,))
x = Dense(32, activation='relu', name='hidden1', kernel_initializer=const_initializer, bias_initializer='ones')(inputs)
x = Dense(32, activation='relu', name='hidden2', kernel_initializer=const_initializer, bias_initializer='ones')(x)
x = Dense(32, activation='relu', name='hidden3', kernel_initializer=const_initializer, bias_initializer='ones')(x)
prediction = Dense(1, activation='linear')(x)
model = Model(inputs=inputs, outputs=prediction)
"""


def test_zero_kernels_with_bias_one_break_symmetry_not_the_gradient():
    # PacktPublishing Deep-Learning-Quick-Reference keras_regression_deep_broken.py. Measured (5 such
    # layers, Adam, 30 epochs, a regression with target variance 1.49): loss 1.11, against 0.03 with
    # glorot_uniform; one distinct unit of 32 per layer. It learns a little, so a warning, not an error.
    (f,) = findings_of(BROKEN, "LRN801")
    assert f.severity == Severity.WARNING
    assert "identical" in f.message and "2 more layers" in f.message and "pre-activation is 0" not in f.message
    assert [r.span.line for r in f.related] == [8, 9]
    out = apply_fix(BROKEN, "LRN801")
    assert out.count("kernel_initializer=\"he_normal\"") == 3
    # three identical lines (one parsed statement, cached) are still three layers
    same = BROKEN.replace("name='hidden2', ", "").replace("name='hidden3', ", "")
    (f,) = findings_of(same, "LRN801")
    assert "2 more layers" in f.message


def test_zero_kernels_with_zero_bias_and_relu_are_dead_and_an_error():
    # measured: loss 1.61 -> 1.49 = the variance of the target: only the output bias learns
    src = BROKEN.replace("bias_initializer='ones'", "bias_initializer='zeros'")
    (f,) = findings_of(src, "LRN801")
    assert f.severity == Severity.ERROR and "so it never trains" in f.message


# ----------------------------------------------------------------- LRN302: a rate read off a sweep
SWEEP = """
import numpy as np
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(30, activation="relu"), tf.keras.layers.Dense(1),
                             tf.keras.layers.Lambda(lambda x: x * 400)])
lr_schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-8 * 10**(epoch / 20))
model.compile(loss=tf.keras.losses.Huber(), optimizer=tf.keras.optimizers.SGD(momentum=0.9))
history = model.fit(train_set, epochs=100, callbacks=[lr_schedule])
learning_rate = 8e-7
optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
model.compile(loss=tf.keras.losses.Huber(), optimizer=optimizer, metrics=["mae"])
history = model.fit(train_set, epochs=100)
"""


def test_a_tiny_rate_chosen_by_the_programs_own_sweep_is_not_reported():
    # deeplearning.ai C4_W4_Lab_3 Sunspots: the lab's sweep picks 8e-7 for counts up to ~400
    assert findings_of(SWEEP, "LRN302") == []
    named = SWEEP.replace("lr_schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-8 * 10**(epoch / 20))",
                          "def sweep(epoch):\n    return 1e-8 * 10 ** (epoch / 20)\n"
                          "lr_schedule = tf.keras.callbacks.LearningRateScheduler(sweep)")
    assert findings_of(named, "LRN302") == []


def test_a_tiny_rate_after_a_decaying_schedule_or_with_no_sweep_is_reported():
    decay = SWEEP.replace("1e-8 * 10**(epoch / 20)", "1e-3 * 0.9**epoch")
    assert len(findings_of(decay, "LRN302")) == 1
    no_sweep = SWEEP.replace("lr_schedule = tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-8 * 10**(epoch / 20))\n", "")
    no_sweep = no_sweep.replace(", callbacks=[lr_schedule]", "")
    assert len(findings_of(no_sweep, "LRN302")) == 1
    # a sweep that comes after the rate was set did not choose it
    after = no_sweep + "tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-8 * 10**(epoch / 20))\n"
    assert len(findings_of(after, "LRN302")) == 1
    # a zero rate is an error after a sweep too
    zero = SWEEP.replace("learning_rate = 8e-7", "learning_rate = 0.0")
    assert [f.severity for f in findings_of(zero, "LRN302")] == [Severity.ERROR]
