"""LRN101: saturating activations (sigmoid, tanh, ...) stacked deep, or fed unscaled inputs."""

from __future__ import annotations

import libcst as cst

from learnability.findings import Category, Fix, Severity
from learnability.analysis.data import describe
from learnability.rules._helpers import SATURATING, fits, is_conv, starts_with_scaling, with_name_tail, with_string_value
from learnability.rules.base import Context, Invalid, Rule, Valid, register
from learnability.rules.lrn501_unscaled_inputs import unscaled_inputs

# How many saturating hidden layers make a stack whose gradient vanishes (scripts/measure_rule_claims.py depth)
STACKED = 3


@register(
    id="LRN101",
    name="saturating-hidden-activation",
    category=Category.ACTIVATION,
    severity=Severity.WARNING,
    summary="Saturating activation (sigmoid/tanh) in a convolutional or hidden layer",
    rationale=(
        "sigmoid, tanh, hard_sigmoid and softsign flatten out for large |x|: their derivative is at most "
        "0.25 (sigmoid) and near 0 once a unit saturates. Stacked in conv or hidden layers, the gradient "
        "reaching the first layers shrinks layer after layer (vanishing gradients), and unscaled inputs "
        "saturate them from the first step. ReLU (or GELU/ELU) keeps a gradient of 1 for positive inputs."
    ),
    fix="Use activation='relu' in the layer (or the Activation layer that follows it).",
    covers=(
        "Saturating activation (sigmoid, tanh, hard_sigmoid, softsign; string, `tf.nn.*`, "
        "`keras.activations.*` or a following `Activation` layer) in a conv or hidden layer: vanishing "
        "gradients"
    ),
    severity_note="info for hidden Dense",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(256, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="tanh"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="one tanh hidden layer on standardised inputs"),
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train / 255.0
            model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, activation="sigmoid"),
                                      layers.Dense(64, activation="sigmoid"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="two sigmoid hidden layers on pixels scaled to [0, 1]"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            tokens = np.random.randint(0, 1000, (256, 20))
            y = (tokens[:, 0] > 500).astype(int)
            model = keras.Sequential([keras.Input((20,)), layers.Embedding(1000, 16), layers.LSTM(32),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(tokens, y, epochs=5)
        """, note="LSTM's own tanh/sigmoid gates, and a sigmoid output"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train / 255.0
            model = keras.Sequential([
                keras.Input((28, 28)),
                layers.Flatten(),
                layers.Dense(256, activation="sigmoid"),
                layers.Dense(128, activation="sigmoid"),
                layers.Dense(64, activation="sigmoid"),
                layers.Dense(32, activation="sigmoid"),
                layers.Dense(10, activation="softmax"),
            ])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="'sigmoid' in one of 4 stacked saturating layers", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train / 255.0
            model = keras.Sequential([
                keras.Input((28, 28)),
                layers.Flatten(),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="sigmoid"),
                layers.Dense(64, activation="sigmoid"),
                layers.Dense(32, activation="sigmoid"),
                layers.Dense(10, activation="softmax"),
            ])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """),
        Invalid("""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            X = np.random.rand(200, 32, 32, 3) * 100
            y = (X[:, 0, 0, 0] > 50).astype(int)
            model = keras.Sequential([
                layers.Conv2D(32, (3, 3), activation="sigmoid", input_shape=(32, 32, 3)),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dense(1, activation="sigmoid"),
            ])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(X, y, epochs=5, batch_size=32)
        """, message="of a model fed unscaled inputs (up to 100)", fixed="""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            X = np.random.rand(200, 32, 32, 3) * 100
            y = (X[:, 0, 0, 0] > 50).astype(int)
            model = keras.Sequential([
                layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dense(1, activation="sigmoid"),
            ])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(X, y, epochs=5, batch_size=32)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.load("features.npy")
            y = np.load("labels.npy")
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="tanh"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="the scale of these inputs is not known", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.load("features.npy")
            y = np.load("labels.npy")
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    limit = ctx.config.threshold("input_max_abs")
    for model in program.models:
        output = model.output_layer
        saturating = []  # (layer, activation, the layer that applies it, its argument)
        for i, layer in enumerate(model.layers):
            if layer is output or not (is_conv(layer) or layer.kind == "Dense"):
                continue
            act, source, arg = program.effective_activation(model, i)
            if act in SATURATING and source is not output:
                saturating.append((layer, act, source, arg))
        if not saturating:
            continue
        unscaled = None
        if not any(p <= saturating[0][0].position for p in model.opaque):
            unscaled = next((info for m, fit in fits(program) if m is model
                             for info in [unscaled_inputs(program, model, fit, limit)] if info is not None), None)
        if unscaled is not None:
            # the large inputs reach every saturating layer: through it directly, or through relu/linear layers
            for layer, act, source, arg in saturating:
                yield _finding(rule, ctx, layer, act, source, arg,
                               f"'{act}' in a hidden layer ({layer.kind}) of a model fed unscaled inputs (up to "
                               f"{unscaled.max_abs:g}): it saturates from the first step, where its gradient is ~0; "
                               "use 'relu' (and scale the inputs)")
            continue
        if len(saturating) < STACKED:
            # one or two saturating layers train on scaled inputs (measured): silent when the inputs are known
            # to be scaled, information when nothing tells
            if _inputs_scaled(program, model, limit):
                continue
            for layer, act, source, arg in saturating:
                yield _finding(rule, ctx, layer, act, source, arg,
                               f"'{act}' in a hidden layer ({layer.kind}) saturates for large inputs, where its "
                               "gradient vanishes; fine on scaled inputs, but the scale of these inputs is not "
                               "known; 'relu' does not saturate", severity=Severity.INFO)
            continue
        kinds = ", ".join(l.kind for l, *_ in saturating)
        for layer, act, source, arg in saturating:
            yield _finding(rule, ctx, layer, act, source, arg,
                           f"'{act}' in one of {len(saturating)} stacked saturating layers ({kinds}): each multiplies "
                           "the gradient by at most 0.25 (sigmoid) or 1 (tanh) and by ~0 once it saturates, so the "
                           "first layers barely learn; use 'relu'")


def _inputs_scaled(program, model, limit: float) -> bool:
    """Every fit of the model gets inputs known to be at most `limit` in size, or the model scales them first."""
    if starts_with_scaling(model):
        return True
    model_fits = [fit for m, fit in fits(program) if m is model and fit.x is not None]
    if not model_fits:
        return False
    for fit in model_fits:
        info = describe(program, fit.x, fit.call.index)
        if not (info.scaled or (info.max_abs is not None and info.max_abs <= limit and not info.constant)):
            return False
    return True


def _finding(rule: Rule, ctx: Context, layer, act: str, source, arg, message: str, severity: Severity | None = None):
    program = ctx.program
    fix = None
    if arg is not None:
        value = arg.value
        new = with_string_value(value, "relu") if isinstance(value, cst.SimpleString) else with_name_tail(value, "relu", program)
        fix = Fix("Use 'relu' instead of '%s'" % act, (ctx.replace(source.call.placed, value, new),))
    return rule.finding(ctx, source.call.placed, arg.value if arg is not None else source.call.node, message,
                        fix=fix, severity=severity, layer=layer.kind, activation=act)
