"""LRN206: regression targets outside the range the output activation can produce."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import fits, with_string_value
from learnability.rules._outputs import REGRESSION, _masked, output_of
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register

# activation -> (lowest, highest) value it can produce
RANGES = {
    "relu": (0.0, None), "softplus": (0.0, None), "relu6": (0.0, 6.0), "exponential": (0.0, None),
    "sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softsign": (-1.0, 1.0),
    "softmax": (0.0, 1.0),
}


def _outside(lo: float, hi: float, bounds: tuple[float | None, float | None]) -> bool:
    low, high = bounds
    return (low is not None and lo < low) or (high is not None and hi > high)


def _range_text(bounds: tuple[float | None, float | None]) -> str:
    low, high = bounds
    return f"[{low:g}, {high:g}]" if high is not None else f"values >= {low:g}"


@register(
    id="LRN206",
    name="targets-outside-output-range",
    category=Category.LOSS,
    severity=Severity.WARNING,
    summary="Regression targets the output activation cannot reach (negative targets on relu, targets > 1 on sigmoid)",
    rationale=(
        "With a regression loss the output must be able to produce every target. A relu or softplus output is "
        "never negative, a sigmoid output stays in (0, 1), a tanh output in (-1, 1): targets outside that range "
        "can never be matched, the loss stalls at the distance to the nearest reachable value, and a relu "
        "output driven below zero stops passing gradients at all. Regression outputs are linear unless the "
        "targets are known to lie in the activation's range."
    ),
    fix="Use a linear output (activation=None), or scale the targets into the activation's range",
    covers=(
        "A regression loss (mse, mae, huber, ...) with a relu/softplus/sigmoid/tanh output and targets whose "
        "known range (np.arange, linspace, arithmetic, toy datasets such as boston_housing) it cannot reach; "
        "information when the targets were standardised (about half are negative) for a relu/sigmoid output"
    ),
    severity_note="information for standardised targets, whose range is only likely",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.linspace(-1, 1, 200).reshape(-1, 1)
            y = 3 * x - 2
            model = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y, epochs=50)
        """, note="a linear output for targets of either sign"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(200, 4)
            y = np.random.rand(200)
            model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y, epochs=50)
        """, note="targets in [0, 1) on a sigmoid output"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.uniform(-2, 2, size=(2000, 1))
            y = x * x
            model = keras.Sequential([keras.Input((1,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="relu")])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x / 2.0, y, epochs=100)
        """, note="x * x of a signed range is a square, never negative: a relu output reaches it (was a false finding)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.linspace(-1, 1, 200).reshape(-1, 1)
            y = 3 * x - 2
            model = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="relu")])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y, epochs=50)
        """, message="targets run from -5 to 1, but a relu output only gives values >= 0: use a linear output", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.linspace(-1, 1, 200).reshape(-1, 1)
            y = 3 * x - 2
            model = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="linear")])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y, epochs=50)
        """),
        Invalid("""
            from keras.datasets import boston_housing
            import keras
            from keras import layers

            (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
            mean, std = x_train.mean(axis=0), x_train.std(axis=0)
            x_train = (x_train - mean) / std
            model = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
            model.fit(x_train, y_train, epochs=80, batch_size=16)
        """, message="targets run from 5 to 50, but a sigmoid output only gives [0, 1]: use a linear output", fixed="""
            from keras.datasets import boston_housing
            import keras
            from keras import layers

            (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
            mean, std = x_train.mean(axis=0), x_train.std(axis=0)
            x_train = (x_train - mean) / std
            model = keras.Sequential([keras.Input((13,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(1, activation="linear")])
            model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
            model.fit(x_train, y_train, epochs=80, batch_size=16)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers
            from sklearn.preprocessing import StandardScaler

            x = np.random.rand(300, 5)
            y = x @ np.arange(5) * 100.0
            y = StandardScaler().fit_transform(y.reshape(-1, 1))
            model = keras.Sequential([keras.Input((5,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="relu")])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y, epochs=30)
        """, message="standardised targets", severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    seen: set[tuple[int, int]] = set()
    for model, fit in fits(program):
        if fit.y is None or model.compile is None or model.compile.loss is None:
            continue
        if model.compile.loss.name not in REGRESSION:
            continue
        out = output_of(program, model)
        if out is None or out.activation not in RANGES:
            continue
        if _masked(program, fit.y, fit.call.index, subset_only=True):
            continue  # y[y > 0]: a subset; its range is not the source's
        info = describe(program, fit.y, fit.call.index)
        if info.one_hot or info.multi_hot or (info.source == "unknown" and not info.centred):
            continue
        bounds = RANGES[out.activation]
        key = (id(out.act_layer.call.node), id(fit.call.node))
        if key in seen:
            continue
        severity = None
        if info.low is not None and info.high is not None and _outside(info.low, info.high, bounds):
            message = (f"targets run from {info.low:g} to {info.high:g}, but a {out.activation} output only gives "
                       f"{_range_text(bounds)}: use a linear output")
        elif info.centred and info.low is None and bounds[0] is not None and bounds[0] >= 0:
            severity = Severity.INFO
            message = (f"standardised targets go below 0, but a {out.activation} output only gives "
                       f"{_range_text(bounds)}: use a linear output")
        else:
            continue
        seen.add(key)
        fix = None
        if severity is None and out.act_arg is not None and out.act_layer is out.layer:
            value = out.act_arg.value
            new = with_string_value(value, "linear")
            fix = Fix("Use a linear output", (ctx.replace(out.layer.call.placed, value, new),))
        related: list[RelatedSpan] = [(out.act_layer.call.placed, out.act_layer.call.node, f"the output activation: {out.activation}")]
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, "the targets are made here"))
        yield rule.finding(ctx, fit.call.placed, fit.y, message, fix=fix, related=related, severity=severity,
                           activation=out.activation, low=info.low, high=info.high)
