"""LRN604: integer labels outside what the output layer can produce."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import DataInfo, describe
from learnability.analysis.program import FitInfo, ModelInfo
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import each_fit
from learnability.rules._outputs import _masked
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


def _shifted(lo: float, hi: float, units: int) -> bool:
    """Labels 1..n for n units: the count is right, the labels are off by one (the units rule would say n + 1)."""
    return lo >= 1 and hi - lo + 1 == units


def _units_rule_reports(info: DataInfo, units: int) -> bool:
    """LRN205 (output units vs number of classes) already reports too few units for labels 0..k."""
    try:
        from learnability.rules._outputs import class_count
    except ImportError:  # pragma: no cover - the loss rules are absent
        return False
    n = class_count(info)
    return n is not None and n != units and info.low is not None and info.low >= 0


@register(
    id="LRN604",
    name="labels-out-of-range",
    category=Category.DATA,
    severity=Severity.ERROR,
    summary="Integer labels outside the output range (label 9 for a sigmoid unit, label 5 for Dense(5) + sparse CE)",
    rationale=(
        "A 1-unit sigmoid output with binary crossentropy models P(y = 1): labels must be 0 or 1; a label of 9 "
        "makes the loss unbounded below, so the model pushes every output to 1. Sparse categorical "
        "crossentropy reads label k as the index of output unit k: with Dense(n) a label >= n (or < 0) has no "
        "unit, which TensorFlow reports as an error on CPU and turns into NaN losses on GPU. Labels that "
        "start at 1 (1..n) are the usual cause."
    ),
    fix=None,
    covers=(
        "Integer labels outside the output range: labels > 1 for a 1-unit binary-crossentropy output, "
        "negative or 1-based labels with sparse crossentropy (too few units is LRN205's)"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="labels 0..2 for 3 units"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            classes = np.repeat(np.arange(1, 6), 200)
            x = np.random.rand(1000, 6) + classes[:, None] * 0.1
            y = classes - 1
            model = keras.Sequential([keras.Input((6,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(5, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=30, shuffle=True)
        """, note="1-based classes np.repeat(np.arange(1, 6)) shifted to 0..4 (was a false finding: arange's start read as its stop)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = np.repeat([1, 2, 3], 86)[:256]
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="labels run from 1 to 3, but 3 output units take 0..2: use y - 1"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = np.repeat([0, 1, 2], 86)[:256]
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="labels run from 0 to 2, but a 1-unit sigmoid output needs 0 or 1: use softmax per class", severity=Severity.WARNING),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from each_fit(ctx, rule, lambda model, fit: _one(rule, ctx, model, fit))


def _one(rule: Rule, ctx: Context, model: ModelInfo, fit: FitInfo) -> Iterator[Finding]:
    program = ctx.program
    if fit.y is None or model.compile is None or model.compile.loss is None:
        return
    out = model.output_layer
    if out is None or out.kind != "Dense" or (model.opaque and max(model.opaque) >= len(model.layers)):
        return
    units = program.const(out.arg(0, "units", "output_dim"), out.call.index)
    if not isinstance(units, int) or isinstance(units, bool):
        return
    if _masked(program, fit.y, fit.call.index):
        return  # y[y < 2], y % 2: a subset or regrouping of the classes; the range read off the source is not theirs
    info = describe(program, fit.y, fit.call.index)
    if not info.integer_labels or info.one_hot or info.low is None or info.high is None:
        return
    lo, hi = info.low, info.high
    loss = model.compile.loss.name
    act, _src, _arg = program.effective_activation(model, out.position)
    message = None
    if loss == "binary_crossentropy" and units == 1 and (hi > 1 or lo < 0):
        message = (f"labels run from {lo:g} to {hi:g}, but a 1-unit {act} output needs 0 or 1: "
                   "use softmax per class")
    elif loss == "sparse_categorical_crossentropy" and units > 1 and (hi >= units or lo < 0) \
            and (_shifted(lo, hi, units) or not _units_rule_reports(info, units)):
        message = (f"labels run from {lo:g} to {hi:g}, but {units} output units take 0..{units - 1}"
                   + (": use y - 1" if _shifted(lo, hi, units) else f"; label {lo if lo < 0 else hi:g} has no unit"))
    if message is None:
        return
    related: list[RelatedSpan] = [(out.call.placed, out.call.node, f"the output layer: {units} unit(s)")]
    if info.origin is not None:
        related.append((info.origin.placed, info.origin.raw.node, "the labels are made here"))
    # measured (scripts/measure_rule_claims.py more): sparse labels out of range raise InvalidArgumentError
    # (error); labels 0..2 on one sigmoid unit with binary crossentropy train (0.58 accuracy vs 0.59), but
    # classes 1 and 2 are pushed to the same output (warning)
    severity = Severity.WARNING if loss == "binary_crossentropy" else None
    yield rule.finding(ctx, fit.call.placed, fit.y, message, related=related, severity=severity,
                       low=lo, high=hi, units=units, loss=loss)
