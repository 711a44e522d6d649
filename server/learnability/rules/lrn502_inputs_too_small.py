"""LRN502: inputs scaled down too far (divided by 255 twice, clipped to [0, 1] before dividing by 255)."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import fits, starts_with_scaling
from learnability.rules.base import Context, Invalid, Rule, Valid, register

TOO_SMALL = 0.02  # the largest input below this: 1/255 of the scale the initialisers expect, or less


@register(
    id="LRN502",
    name="inputs-too-small",
    category=Category.PREPROCESSING,
    severity=Severity.INFO,
    summary="Inputs scaled down too far: the largest value is below 0.02 (pixels divided by 255 twice)",
    rationale=(
        "Initialisers expect inputs of unit scale. Inputs whose largest value is a few thousandths (x / 255 "
        "applied twice, values clipped to [0, 1] and then divided by 255) make the first layer's "
        "pre-activations tiny: the model has to grow its first weights a hundredfold before the inputs "
        "matter, which costs many epochs and lets the biases dominate. Usually a scaling step was applied "
        "twice."
    ),
    fix=None,
    covers="Inputs whose known largest value is below 0.02 at `fit` (and no normalisation layer first)",
    valid=[
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train.reshape(-1, 784) / 255.0
            model = keras.Sequential([keras.Input((784,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="scaled once"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train.reshape(-1, 784) / 255.0
            x_train = x_train / 255.0
            model = keras.Sequential([keras.Input((784,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="inputs reach at most 0.00392, scaled down too far (twice?): scale them to about [0, 1] once"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    seen: set[int] = set()
    for model, fit in fits(program):
        if fit.x is None or id(fit.call.node) in seen or starts_with_scaling(model):
            continue
        info = describe(program, fit.x, fit.call.index)
        if info.source == "unknown" or info.constant or info.low is None or info.high is None:
            continue
        peak = max(abs(info.low), abs(info.high))
        if not 0 < peak < TOO_SMALL:
            continue
        seen.add(id(fit.call.node))
        related = [(info.origin.placed, info.origin.raw.node, "the inputs are made here")] if info.origin else []
        yield rule.finding(
            ctx, fit.call.placed, fit.x,
            f"inputs reach at most {peak:.3g}, scaled down too far (twice?): scale them to about [0, 1] once",
            related=related, max_abs=peak)
