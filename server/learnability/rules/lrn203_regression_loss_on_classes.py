"""LRN203: a regression loss (mse/mae) on class labels or a classification output."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.data import DataInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import with_string_value
from learnability.rules._outputs import (
    REGRESSION,
    Output,
    class_count,
    class_labels,
    integer_class_labels,
    labels_of,
    loss_change_is_safe,
    loss_of,
    one_hot_labels,
    output_of,
)
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


@register(
    id="LRN203",
    name="regression-loss-on-classes",
    category=Category.LOSS,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py claims: class indices regressed with mse reach 0.33 vs 0.51 (warning); mse through
    # softmax trains (information).
    summary="mse/mae loss on class labels or a softmax output",
    rationale=(
        "Squared or absolute error on class indices through a linear output treats the classes as numbers on a "
        "line (class 9 is 'closer' to 8 than to 0): the model has to fit an order that does not exist (measured, "
        "10 classes: 0.33 accuracy vs 0.51 with softmax + crossentropy). Through a sigmoid or softmax output "
        "mse does train, but its gradient is scaled by the activation's slope, so confidently wrong predictions "
        "learn slowly; crossentropy is the standard loss for classes (information)."
    ),
    fix="Use the crossentropy that matches the labels and the output activation.",
    covers="mse/mae on class labels or a softmax output",
    severity_note="info through sigmoid/softmax: it trains, slower",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = x @ np.arange(8.0) + 0.1 * np.random.randn(256)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", metrics=["mae"])
            model.fit(x, y, epochs=10)
        """, note="mse on a continuous target"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            counts = np.round(x.sum(axis=1) * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, counts, epochs=10)
        """, note="integer targets through a linear output without accuracy: counts are a regression"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            model.fit(x_train, y_train, epochs=5)
        """, message="'mse' on integer class labels treats classes as numbers: use a crossentropy loss"),
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
        """, message="'mse' on integer class labels gets no gradient through softmax: use sparse_categorical_crossentropy", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
        """,
                severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for model in program.trainings():  # each compile with the labels of the fits it is in force for
        loss = loss_of(model)
        if loss is None or loss.name not in REGRESSION:
            continue
        out = output_of(program, model)
        labels = labels_of(program, model)
        softmax_out = out is not None and out.activation == "softmax" and out.units != 1
        squashed = out is not None and out.activation in ("sigmoid", "softmax")
        metrics = model.compile.metrics if model.compile is not None else []
        # integer targets through a linear output may be a regression (counts, ages): only when the labels
        # are certainly classes (one-hot, a dataset's labels) or accuracy is tracked
        certain = one_hot_labels(labels) or (labels is not None and labels.dataset is not None) or \
            any(m in ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy") for m in metrics)
        if class_labels(labels) and (squashed or certain):
            what = "one-hot class labels" if one_hot_labels(labels) else "integer class labels"
            n = class_count(labels)
            # class indices as numbers on a line: a real handicap; through sigmoid/softmax mse trains (slower)
            severity = Severity.WARNING if not squashed and integer_class_labels(labels) and (n or 0) > 2 \
                else Severity.INFO
        elif softmax_out:
            severity = Severity.INFO
            what = "a softmax output"
        else:
            continue
        target = _target(out, labels)
        fix = None
        if target is not None and isinstance(loss.node, cst.SimpleString):
            fix = Fix(f"Use {target}", (ctx.replace(loss.placed, loss.node, with_string_value(loss.node, target)),),
                      safe=loss_change_is_safe(program, loss, target))
        related: list[RelatedSpan] = []
        if out is not None:
            related.append((out.layer.call.placed, out.layer.call.node,
                            f"the output layer: {out.units if out.units is not None else '?'} units, '{out.activation}'"))
        if labels is not None and labels.origin is not None and class_labels(labels):
            related.append((labels.origin.placed, labels.origin.raw.node, f"the labels: {what}"))
        yield rule.finding(
            ctx, loss.placed, loss.node,
            f"'{loss.name}' on {what} "
            + (f"gets no gradient through {out.activation}" if squashed and out is not None else "treats classes as numbers")
            + f": use {target or 'a crossentropy loss'}",
            fix=fix, related=related, severity=severity, loss=loss.name)


def _target(out: Output | None, labels: DataInfo | None) -> str | None:
    """The crossentropy that fits both the output and the labels, when that is unambiguous."""
    if out is None:
        return None
    if out.activation == "softmax" and out.units is not None and out.units > 1:
        if one_hot_labels(labels):
            return "categorical_crossentropy"
        if integer_class_labels(labels):
            return "sparse_categorical_crossentropy"
    if out.activation == "sigmoid" and out.units == 1 and integer_class_labels(labels) and class_count(labels) == 2:
        return "binary_crossentropy"
    return None
