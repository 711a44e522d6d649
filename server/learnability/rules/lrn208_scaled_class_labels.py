"""LRN208: class labels divided or standardised like inputs, then used with a sparse classification loss."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.analysis.program import FitInfo, ModelInfo
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import each_fit, first_per_key
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


@register(
    id="LRN208",
    name="scaled-class-labels",
    category=Category.LOSS,
    severity=Severity.ERROR,
    summary="Class labels divided by 255 or standardised, then used with sparse categorical crossentropy",
    rationale=(
        "Sparse categorical crossentropy reads each label as the index of a class and casts it to an integer. "
        "Labels scaled like the inputs (y / 255, y / 9, (y - mean) / std, StandardScaler on y) are fractions: "
        "every label in [0, 1) becomes class 0, negative ones are out of range. The model learns to predict "
        "one class. Scale the inputs, never the class labels."
    ),
    fix=None,
    covers=(
        "Labels that were divided by a constant, standardised or passed through a scaler on their way to a fit "
        "whose loss is sparse categorical crossentropy"
    ),
    valid=[
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train.reshape(-1, 784) / 255.0
            model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="inputs scaled, labels left as class indices"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            ages = np.random.randint(0, 100, size=5000)
            x = np.random.rand(5000, 16)
            y = (ages / 10).astype(int)
            model = keras.Sequential([keras.Input((16,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=20)
        """, note="ages binned into decades: divided, then cast to int, they are class indices again (was a false finding)"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train, y_train = x_train.reshape(-1, 784) / 255.0, y_train / 255.0
            model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="scaled labels are read as class indices by sparse crossentropy: pass the integer class labels"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from first_per_key(each_fit(ctx, rule, lambda model, fit: _one(rule, ctx, model, fit)))


def _one(rule: Rule, ctx: Context, model: ModelInfo, fit: FitInfo) -> Iterator[tuple[int, Finding]]:
    program = ctx.program
    if fit.y is None or model.compile is None or model.compile.loss is None:
        return
    if model.compile.loss.name != "sparse_categorical_crossentropy":
        return
    info = describe(program, fit.y, fit.call.index)
    if not info.rescaled or info.one_hot or info.multi_hot:
        return
    related: list[RelatedSpan] = [(model.compile.call.placed, model.compile.loss.node, "the loss: sparse categorical crossentropy")]
    if info.origin is not None:
        related.append((info.origin.placed, info.origin.raw.node, "the labels are scaled here"))
    yield id(fit.call.node), rule.finding(
        ctx, fit.call.placed, fit.y,
        "scaled labels are read as class indices by sparse crossentropy: pass the integer class labels",
        related=related)
