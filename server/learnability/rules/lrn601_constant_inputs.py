"""LRN601: the inputs given to `fit` are constant: every sample is the same."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.analysis.program import FitInfo, ModelInfo
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import each_fit
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


@register(
    id="LRN601",
    name="constant-inputs",
    category=Category.DATA,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py more: constant inputs leave training accuracy at the majority class (error).
    summary="Constant inputs: every sample is identical",
    rationale=(
        "When every input is the same array (np.ones, np.zeros, np.full), the network computes the same "
        "output for every sample. The best it can do is predict the label frequencies: accuracy stays at the "
        "majority-class rate and the loss at the label entropy (0.693 for two balanced classes), whatever "
        "the architecture or learning rate."
    ),
    fix=None,
    covers="Constant inputs (`np.ones/zeros/full`, scaled); not when the array is filled or perturbed afterwards",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.zeros((256, 8))
            x[:, 0] = np.linspace(0, 1, 256)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="an array made with zeros and then filled"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.ones((256, 8))
            y = np.arange(256) % 2
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="inputs are constant (all 1)"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from each_fit(ctx, rule, lambda model, fit: _one(rule, ctx, model, fit))


def _one(rule: Rule, ctx: Context, _model: ModelInfo, fit: FitInfo) -> Iterator[Finding]:
    program = ctx.program
    if fit.x is None:
        return
    info = describe(program, fit.x, fit.call.index)
    if not info.constant:
        return
    related: list[RelatedSpan] = []
    if info.origin is not None:
        related.append((info.origin.placed, info.origin.raw.node, "the constant inputs are made here"))
    value = f" (all {info.low:g})" if info.low is not None else ""
    yield rule.finding(
        ctx, fit.call.placed, fit.x,
        f"inputs are constant{value}: every sample looks the same, so nothing can be learned",
        related=related,
    )
