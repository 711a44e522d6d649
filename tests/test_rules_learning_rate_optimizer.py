"""Learning-rate and optimizer rules: LRN301 (too high), LRN302 (too low), LRN401 (decay), LRN402 (misuse)."""

from __future__ import annotations

import pytest
from conftest import rule_ids
from fixcheck import apply_fix, findings_of

from learnability.config import Config
from learnability.findings import Severity

MODEL = """
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
"""


# ----------------------------------------------------------------- LRN301
@pytest.mark.parametrize("header, optimizer", [
    ("from tensorflow import keras", "keras.optimizers.Adam(learning_rate=0.1)"),
    ("import keras", "keras.optimizers.Adam(0.1)"),
    ("import tensorflow as tf\nkeras = tf.keras", "tf.keras.optimizers.RMSprop(lr=0.05)"),
    ("from tensorflow import keras\nfrom tensorflow.keras.optimizers import Adam as A", "A(learning_rate=0.5)"),
    ("from tensorflow import keras\nfrom tensorflow.keras.optimizers.legacy import Adam", "Adam(lr=0.1)"),
    ("from tensorflow import keras\nimport tensorflow as tf", "tf.compat.v1.train.AdamOptimizer(0.5)"),
    ("from keras import optimizers\nfrom tensorflow import keras", "optimizers.SGD(learning_rate=0.5, momentum=0.9)"),
])
def test_high_learning_rate_is_found_in_every_spelling(header, optimizer):
    src = f"{header}\n{MODEL}model.compile(optimizer={optimizer}, loss='binary_crossentropy')\n"
    assert "LRN301" in rule_ids(src)


def test_high_learning_rate_through_module_constant_and_variable():
    src = """
    from tensorflow import keras
    lr = 0.1
    opt = keras.optimizers.Adam(learning_rate=lr)
    model = keras.Sequential([keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.Flatten(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=opt, loss="binary_crossentropy")
    """
    found = findings_of(src, "LRN301")
    assert len(found) == 1 and found[0].span.line == 4
    out = apply_fix(src, "LRN301")
    assert "lr = 0.001" in out and "learning_rate=lr" in out


def test_high_initial_rate_of_a_schedule_is_found_and_fixed_in_the_schedule():
    src = """
    import tensorflow as tf
    sched = tf.keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.2, decay_steps=100, decay_rate=0.9)
    opt = tf.keras.optimizers.Adam(learning_rate=sched)
    """
    found = findings_of(src, "LRN301")
    assert len(found) == 1 and "ExponentialDecay" in found[0].message
    out = apply_fix(src, "LRN301")
    assert "initial_learning_rate=0.001" in out


def test_optimizer_in_a_custom_training_loop_is_checked():
    src = """
    import tensorflow as tf
    optimizer = tf.keras.optimizers.Adam(1.0)
    with tf.GradientTape() as tape:
        loss = compute()
    """
    assert rule_ids(src).count("LRN301") == 1


@pytest.mark.parametrize("optimizer", [
    "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)",  # the classic ResNet rate
    "keras.optimizers.Adam(learning_rate=1e-3)",
    "keras.optimizers.Adam(3e-4)",
    "keras.optimizers.Adadelta(learning_rate=1.0)",  # Adadelta's canonical rate
    "keras.optimizers.Adagrad(learning_rate=0.01)",
    "keras.optimizers.Adagrad(learning_rate=0.1)",  # accumulating optimizers take larger rates
    "keras.optimizers.Ftrl(learning_rate=0.2)",
    "'adam'",
    "'sgd'",
    "keras.optimizers.Adam(learning_rate=config.lr)",  # unknown: no guess
])
def test_usual_learning_rates_are_not_reported(optimizer):
    src = f"from tensorflow import keras\n{MODEL}model.compile(optimizer={optimizer}, loss='binary_crossentropy')\n"
    assert "LRN301" not in rule_ids(src)
    assert "LRN302" not in rule_ids(src)


def test_learning_rate_thresholds_are_configurable():
    src = "from tensorflow import keras\nopt = keras.optimizers.Adam(learning_rate=0.005)\n"
    assert "LRN301" not in rule_ids(src)
    strict = Config().merged({"thresholds": {"lr_max_adaptive": 0.001}})
    assert "LRN301" in rule_ids(src, strict)
    sgd = "from tensorflow import keras\nopt = keras.optimizers.SGD(learning_rate=0.3)\n"
    assert "LRN301" in rule_ids(sgd)
    assert "LRN301" not in rule_ids(sgd, Config().merged({"thresholds": {"lr_max_sgd": 0.5}}))


def test_sgd_fix_uses_sgd_default():
    out = apply_fix("from tensorflow import keras\nopt = keras.optimizers.SGD(0.9)\n", "LRN301")
    assert "SGD(0.01)" in out


# ----------------------------------------------------------------- LRN302
def test_tiny_learning_rate_is_reported_with_a_fix():
    src = """
    from tensorflow.keras.optimizers import Adam
    LEARNING_RATE = 1e-8
    opt = Adam(learning_rate=LEARNING_RATE)
    """
    found = findings_of(src, "LRN302")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    out = apply_fix(src, "LRN302")
    assert "LEARNING_RATE = 0.001" in out


@pytest.mark.parametrize("rate, severity", [("0", Severity.ERROR), ("-0.01", Severity.ERROR), ("5e-7", Severity.WARNING)])
def test_zero_and_negative_rates_are_errors(rate, severity):
    src = f"import keras\nopt = keras.optimizers.SGD(learning_rate={rate})\n"
    found = findings_of(src, "LRN302")
    assert [f.severity for f in found] == [severity]


def test_low_threshold_is_configurable():
    src = "import keras\nopt = keras.optimizers.Adam(learning_rate=1e-5)\n"
    assert "LRN302" not in rule_ids(src)
    assert "LRN302" in rule_ids(src, Config().merged({"thresholds": {"lr_min": 1e-4}}))


# ----------------------------------------------------------------- LRN401
def test_decay_is_rewritten_into_an_inverse_time_schedule():
    src = """
    import keras
    opt = keras.optimizers.SGD(learning_rate=0.01, decay=1e-6, momentum=0.9)
    """
    found = findings_of(src, "LRN401")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    out = apply_fix(src, "LRN401")
    assert ("keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, "
            "decay_rate=1e-6), momentum=0.9)") in out


def test_decay_with_keras2_lr_and_tf_alias():
    src = """
    import tensorflow as tf
    from tensorflow.keras.optimizers import Adam
    INIT_LR, EPOCHS = 0.01, 10
    opt = Adam(lr=INIT_LR, decay=INIT_LR / EPOCHS)
    """
    out = apply_fix(src, "LRN401")
    assert ("Adam(learning_rate=tf.keras.optimizers.schedules.InverseTimeDecay(INIT_LR, decay_steps=1, "
            "decay_rate=INIT_LR / EPOCHS))") in out


def test_decay_without_a_rate_uses_the_default_rate_and_multiline_calls_keep_their_layout():
    src = """
    from tensorflow import keras
    opt = keras.optimizers.Adam(
        beta_1=0.5,
        decay=1e-4,
    )
    """
    out = apply_fix(src, "LRN401")
    assert "learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-4), beta_1=0.5,\n)" in out


def test_zero_decay_is_information_and_its_fix_removes_it():
    src = "import keras\nopt = keras.optimizers.Adam(0.001, decay=0.0)\n"
    found = findings_of(src, "LRN401")
    assert found[0].severity is Severity.INFO
    assert "Adam(0.001)" in apply_fix(src, "LRN401")


@pytest.mark.parametrize("src", [
    "import tensorflow as tf\nopt = tf.keras.optimizers.legacy.SGD(learning_rate=0.01, decay=1e-6)\n",
    "import tf_keras\nopt = tf_keras.optimizers.SGD(learning_rate=0.01, decay=1e-6)\n",
    "import keras\nopt = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=1e-4)\n",
    "import keras\nsched = keras.optimizers.schedules.ExponentialDecay(0.01, 100, 0.9)\n",
])
def test_decay_is_not_reported_where_it_is_valid(src):
    assert "LRN401" not in rule_ids(src)


def test_decay_is_not_double_reported_by_the_api_rule():
    src = "import keras\nopt = keras.optimizers.SGD(lr=0.01, decay=1e-6)\n"
    ids = rule_ids(src)
    assert ids.count("LRN401") == 1 and ids.count("LRN001") == 1  # LRN001 only for lr


# ----------------------------------------------------------------- LRN402
@pytest.mark.parametrize("call, arg", [
    ("keras.optimizers.SGD(0.01, 1.0)", "momentum"),
    ("keras.optimizers.SGD(learning_rate=0.01, momentum=1.5)", "momentum"),
    ("keras.optimizers.SGD(momentum=-0.5)", "momentum"),
    ("keras.optimizers.Adam(0.001, 1.0)", "beta_1"),
    ("keras.optimizers.Adam(beta_2=1.0)", "beta_2"),
    ("keras.optimizers.RMSprop(rho=1.0)", "rho"),
    ("keras.optimizers.AdamW(beta_1=1.1)", "beta_1"),
])
def test_decay_factors_outside_0_1_are_errors(call, arg):
    found = findings_of(f"import keras\nopt = {call}\n", "LRN402")
    assert len(found) == 1 and found[0].severity is Severity.ERROR and arg in found[0].message


def test_zero_epsilon_is_information_and_negative_an_error():
    # measured: Adam(epsilon=0) trains like the default (scripts/measure_rule_claims.py more)
    found = findings_of("import keras\na = keras.optimizers.Adam(epsilon=0)\nb = keras.optimizers.Adam(epsilon=-1e-8)\n", "LRN402")
    assert [f.severity for f in found] == [Severity.INFO, Severity.ERROR]


@pytest.mark.parametrize("call", [
    "keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)",
    "keras.optimizers.Adam(0.0002, 0.5)",  # the DCGAN setting
    "keras.optimizers.Adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7)",
    "keras.optimizers.RMSprop(learning_rate=0.045, rho=0.9, epsilon=1.0)",  # Inception's epsilon
    "keras.optimizers.AdamW(0.001, 0.004)",  # AdamW's second positional is weight_decay
])
def test_usual_optimizer_settings_are_not_reported(call):
    assert "LRN402" not in rule_ids(f"import keras\nopt = {call}\n")


def test_one_optimizer_shared_by_two_compiled_models():
    src = """
    from tensorflow import keras
    opt = keras.optimizers.Adam(0.0002, 0.5)
    disc = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    disc.compile(optimizer=opt, loss="binary_crossentropy")
    gan = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    gan.compile(loss="binary_crossentropy", optimizer=opt)
    disc.train_on_batch(x, y)
    gan.train_on_batch(z, y)
    """
    found = findings_of(src, "LRN402")
    assert len(found) == 1 and found[0].span.line == 7 and found[0].severity is Severity.WARNING
    assert found[0].related and found[0].related[0].span.line == 3


def test_each_model_with_its_own_optimizer_is_fine():
    src = """
    from tensorflow import keras
    disc = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    disc.compile(optimizer=keras.optimizers.Adam(0.0002, 0.5), loss="binary_crossentropy")
    gan = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    gan.compile(optimizer=keras.optimizers.Adam(0.0002, 0.5), loss="binary_crossentropy")
    other = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
    other.compile(optimizer="adam", loss="binary_crossentropy")
    """
    assert "LRN402" not in rule_ids(src)
