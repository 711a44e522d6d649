"""LRN703: a dropout rate above 0.5."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.calls import find_calls
from learnability.analysis.program import CallView
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules.base import Context, Invalid, Rule, Valid, register

DROPOUT_LAYERS = frozenset("Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D AlphaDropout GaussianDropout".split())
RECURRENT_LAYERS = frozenset("LSTM GRU SimpleRNN ConvLSTM1D ConvLSTM2D ConvLSTM3D LSTMCell GRUCell SimpleRNNCell".split())


@register(
    id="LRN703",
    name="dropout-too-high",
    category=Category.REGULARIZATION,
    severity=Severity.INFO,
    summary="Dropout rate above 0.5: most units are dropped at every step",
    rationale=(
        "Keras' rate is the fraction of units DROPPED (not kept, as TF 1's keep_prob was). Above 0.5 more than "
        "half of the signal is zeroed at every training step, and the survivors are scaled by 1/(1 - rate), "
        "so the next layer sees a different, noisy input each step: the network underfits and learns slowly, "
        "training accuracy lags far behind. A rate of 1 or more is rejected. Threshold: dropout_max."
    ),
    fix="Lower the rate to 0.5 or less (0.2-0.5 is usual).",
    covers="Dropout rate above `dropout_max` (0.5), Keras 2 `p=` and RNN `dropout=` included",
    severity_note="error at 1 or more: every unit is dropped",
    # scripts/measure_rule_claims.py more (Keras 3.15): Dropout(0.8) after Dense(64) trained to 0.57 accuracy vs 0.59
    # without dropout (information); Dropout(1.0) is accepted by Keras 3 and leaves the loss flat at the majority
    # class (error); rates above 1 are rejected.
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(0.5),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="Dropout(0.5)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(0.8),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dropout rate 0.8 drops 80% of the units (not keeps): use 0.5 or less", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(0.5),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(0.6),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dropout rate 0.6 drops 60% of the units", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(0.5),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(1.0),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dropout rate 1 drops every unit", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dropout(0.5),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.ERROR),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    views = find_calls(ctx.program, DROPOUT_LAYERS | RECURRENT_LAYERS)
    yield from ctx.each_call(rule, views, lambda view: _one(rule, ctx, view))


def _one(rule: Rule, ctx: Context, view: CallView) -> Iterator[Finding]:
    program = ctx.program
    limit = ctx.config.threshold("dropout_max")
    if not (view.qualname or "").startswith("keras.layers."):
        return
    name = view.name
    if name in DROPOUT_LAYERS:
        args = [view.arg(0, "rate", "p")]
    elif name in RECURRENT_LAYERS:
        args = [view.arg(None, "dropout"), view.arg(None, "recurrent_dropout")]
    else:
        return
    for arg in args:
        if arg is None:
            continue
        rate = program.const(arg, view.index)
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate <= limit:
            continue
        what = f"{arg.keyword.value}=" if arg.keyword is not None else "rate "
        if rate >= 1:
            severity = Severity.ERROR
            message = f"{name} {what}{rate:g} drops every unit (the rate is the fraction dropped): use 0.5 or less"
        else:
            severity = Severity.INFO
            message = f"{name} {what}{rate:g} drops {rate:.0%} of the units (not keeps): use 0.5 or less"
        fix = Fix("Set the dropout rate to 0.5", (ctx.replace(view.placed, arg.value, "0.5"),), safe=False)
        yield rule.finding(ctx, view.placed, arg.value, message, fix=fix, severity=severity, rate=rate)
