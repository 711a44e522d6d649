"""LRN101: saturating activations (sigmoid, tanh, ...) stacked deep, or fed unscaled inputs."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import LayerInfo, ModelInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import SATURATING, fits, is_conv, with_name_tail, with_string_value
from learnability.rules.base import Context, Invalid, Rule, Valid, register
from learnability.rules.lrn501_unscaled_inputs import unscaled_inputs

# scripts/measure_rule_claims.py depth (Keras 3.15, TF 2.21 CPU; Adam 1e-3, 20 epochs, 2 seeds, 3 classes,
# standardised inputs; accuracy relu / sigmoid / tanh): 1 hidden layer 0.74 / 0.49 / 0.55; 2 layers
# 0.88 / 0.51 / 0.70; 4 layers 0.95 / 0.51 / 0.90; 8 layers 0.94 / 0.49 / 0.97 (chance 0.50). Inputs x100:
# 1 layer 0.71 / 0.61 / 0.59, 2 layers 0.85 / 0.59 / 0.70. So: sigmoid lags at every depth and stays at chance
# when stacked; tanh (Glorot init, Adam) trains as well as relu up to 8 layers. The probe confirmed the unscaled
# case on the article's CNN (sigmoid convs on inputs x100: 78% vs 97% with relu in the same steps).
STACKED = 3  # this many sigmoid-like hidden layers: a warning
SIGMOID_LIKE = frozenset({"sigmoid", "hard_sigmoid", "log_sigmoid"})


@register(
    id="LRN101",
    name="saturating-hidden-activation",
    category=Category.ACTIVATION,
    severity=Severity.WARNING,
    summary="Saturating activation (sigmoid/tanh) in hidden layers: stacked, or fed unscaled inputs",
    rationale=(
        "sigmoid, tanh, hard_sigmoid and softsign flatten out for large |x|, where their derivative is ~0; "
        "sigmoid's is at most 0.25 everywhere and its outputs are not centred. Measured on Keras 3 "
        "(scripts/measure_rule_claims.py depth; Adam 1e-3, 20 epochs, 3 classes, chance 0.50): on standardised "
        "inputs relu reached 0.74 / 0.88 / 0.95 / 0.94 accuracy with 1 / 2 / 4 / 8 hidden layers, sigmoid stayed "
        "at 0.49-0.51 at every depth, tanh reached 0.55 / 0.70 / 0.90 / 0.97. So a stack of sigmoid layers is a "
        "warning (its gradient shrinks by 4x per layer). One or two saturating layers on inputs not known to be "
        "large are not reported: on public code (the real-world corpus) every such finding was false, such "
        "shallow models learn their tasks, and tanh on scaled inputs trains like relu (Glorot init). Unscaled inputs saturate any of them from the first "
        "step: the probe measured the article's sigmoid CNN on inputs x100 at 78% where relu reached 97% in the "
        "same steps. ReLU (or GELU/ELU) keeps a gradient of 1 for positive inputs."
    ),
    fix="Use activation='relu' in the layer (or the Activation layer that follows it).",
    covers=(
        "Saturating activation (sigmoid, tanh, hard_sigmoid, softsign; string, `tf.nn.*`, "
        "`keras.activations.*` or a following `Activation` layer) in conv or hidden Dense layers: three or more "
        "stacked sigmoid layers, or any saturating layer in a model fed unscaled inputs (LRN501's reading); "
        "silent for one or two saturating layers on inputs not known to be large, for recurrent layers' own "
        "gates and for the output layer"
    ),
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
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(1024, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int) + (x[:, 2] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="tanh"),
                                      layers.Dense(32, activation="tanh"), layers.Dense(32, activation="tanh"),
                                      layers.Dense(32, activation="tanh"), layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=20)
        """, note="four tanh hidden layers on standardised inputs (measured: 0.90 accuracy, relu 0.95)"),
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
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train / 255.0
            model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, activation="sigmoid"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="one sigmoid hidden layer on scaled pixels: shallow, nothing vanishes (corpus: such models learn)"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.load("features.npy")
            y = np.load("labels.npy")
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="tanh"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="one tanh layer on inputs of unknown scale: LRN501 reports inputs known to be large"),
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
        """, message="sigmoid in Dense, one of 4 stacked sigmoid layers, fades the gradient: use relu", fixed="""
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
        """, message="sigmoid in Conv2D saturates on inputs up to 100: use relu (and scale the inputs)", fixed="""
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
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from ctx.each_model(rule, ctx.program.models, lambda model: _one(rule, ctx, model))


def _one(rule: Rule, ctx: Context, model: ModelInfo) -> Iterator[Finding]:
    program = ctx.program
    limit = ctx.config.threshold("input_max_abs")
    output = model.output_layer
    saturating = []  # (layer, activation, the layer that applies it, its argument)
    for i, layer in enumerate(model.layers):
        if layer is output or not (is_conv(layer) or layer.kind == "Dense"):
            continue
        act, source, arg = program.effective_activation(model, i)
        if act in SATURATING and source is not output:
            saturating.append((layer, act, source, arg))
    if not saturating:
        return
    unscaled = None
    if not any(p <= saturating[0][0].position for p in model.opaque):
        unscaled = next((info for m, fit in fits(program) if m.obj is model.obj
                         for info in [unscaled_inputs(program, model, fit, limit)] if info is not None), None)
    if unscaled is not None:
        # the large inputs reach every saturating layer: through it directly, or through relu/linear layers
        for layer, act, source, arg in saturating:
            yield _finding(rule, ctx, layer, act, source, arg,
                           f"{act} in {layer.kind} saturates on inputs up to {unscaled.max_abs:g}: use relu "
                           "(and scale the inputs)")
        return
    sigmoids = [entry for entry in saturating if entry[1] in SIGMOID_LIKE]
    if len(sigmoids) >= STACKED:
        for layer, act, source, arg in sigmoids:
            yield _finding(rule, ctx, layer, act, source, arg,
                           f"{act} in {layer.kind}, one of {len(sigmoids)} stacked sigmoid layers, fades the "
                           "gradient: use relu")
        return
    # One or two saturating layers on inputs not known to be large: the vanishing-gradient argument is about
    # depth or input scale, and neither holds here. On the real-world corpus every such finding was false
    # (iris with one sigmoid layer reaches 97 %, the Coursera labs' sigmoid layers learn their tasks).
    return


def _finding(rule: Rule, ctx: Context, layer: LayerInfo, act: str, source: LayerInfo, arg: cst.Arg | None, message: str,
             severity: Severity | None = None) -> Finding:
    program = ctx.program
    fix = None
    if arg is not None:
        value = arg.value
        new = with_string_value(value, "relu") if isinstance(value, cst.SimpleString) else with_name_tail(value, "relu", program)
        fix = Fix("Use 'relu' instead of '%s'" % act, (ctx.replace(source.call.placed, value, new),))
    return rule.finding(ctx, source.call.placed, arg.value if arg is not None else source.call.node, message,
                        fix=fix, severity=severity, layer=layer.kind, activation=act)
