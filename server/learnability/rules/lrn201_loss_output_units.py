"""LRN201: the loss does not fit the number of output units."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import LossInfo, ModelInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import with_string_value
from learnability.rules._outputs import (
    CATEGORICAL,
    SEEN,
    Output,
    class_count,
    each_loss_and_output,
    integer_class_labels,
    labels_of,
    loss_change_is_safe,
    one_hot_labels,
)
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN201",
    name="loss-output-units-mismatch",
    category=Category.LOSS,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py claims: categorical CE on one unit has a constant loss of 0 (error); binary CE on a
    # 10-way softmax trains about as well in Keras 3 (warning: tf.keras 2's binary 'accuracy' misleads).
    summary="Loss does not fit the output units (binary crossentropy on a multi-unit softmax, categorical on 1 unit)",
    rationale=(
        "Categorical crossentropy compares a distribution over C >= 2 output units with the label: on a single "
        "unit the normalised prediction is always 1.0, the loss is constant (0, or out of range for the sparse "
        "form) and nothing is learned. Binary crossentropy treats every unit as an independent yes/no "
        "question: on a softmax over several classes it optimises another objective than the one-of-C choice "
        "(Keras 3 trains it about as well on toy data), and with tf.keras 2 'accuracy' then means binary "
        "accuracy averaged over the units, which looks high (0.9 with 10 classes) while the model is at chance. "
        "Use binary_crossentropy with one sigmoid unit, (sparse_)categorical_crossentropy with one softmax unit "
        "per class."
    ),
    fix="Use categorical_crossentropy (one-hot labels) or sparse_categorical_crossentropy (integer labels).",
    covers=(
        "Loss does not fit the output units: categorical crossentropy on 1 unit, binary crossentropy on a "
        "multi-unit softmax"
    ),
    severity_note="warning for binary CE on softmax",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="binary crossentropy on one sigmoid unit"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, :5] > 0.5).astype("float32")
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(5, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="multi-label: binary crossentropy on several sigmoid units"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="categorical_crossentropy on a 1-unit output", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_train = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
        """, message="binary_crossentropy on a 10-unit softmax scores each unit alone: use categorical_crossentropy", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_train = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
        """, severity=Severity.WARNING),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from each_loss_and_output(ctx, rule, lambda model, loss, out: _one(rule, ctx, model, loss, out))


def _one(rule: Rule, ctx: Context, model: ModelInfo, loss: LossInfo, out: Output) -> Iterator[object]:  # findings, SEEN
    program = ctx.program
    if out.units is None or out.layer.kind != "Dense":
        return
    related = [(out.layer.call.placed, out.layer.call.node,
                f"the output layer: {out.units} unit{'s' if out.units != 1 else ''}, activation '{out.activation}'")]
    if loss.name in CATEGORICAL and out.units == 1:
        yield SEEN
        fix = None
        n = class_count(labels_of(program, model))
        if isinstance(loss.node, cst.SimpleString) and out.activation == "sigmoid" and (n is None or n <= 2):
            fix = Fix("Use binary_crossentropy", (ctx.replace(loss.placed, loss.node,
                                                              with_string_value(loss.node, "binary_crossentropy")),))
        advice = (f"use Dense({n}, activation='softmax')" if n is not None and n > 2
                  else "use binary_crossentropy")
        yield rule.finding(
            ctx, loss.placed, loss.node,
            f"{loss.name} on a 1-unit output is constant: {advice}",
            fix=fix, related=related, units=out.units, loss=loss.name)
    elif loss.name == "binary_crossentropy" and out.units > 1 and out.activation == "softmax" and not loss.from_logits:
        yield SEEN
        labels = labels_of(program, model)
        target = ("categorical_crossentropy" if one_hot_labels(labels)
                  else "sparse_categorical_crossentropy" if integer_class_labels(labels) else None)
        fix = None
        if target is not None and isinstance(loss.node, cst.SimpleString):
            fix = Fix(f"Use {target}", (ctx.replace(loss.placed, loss.node, with_string_value(loss.node, target)),),
                      safe=loss_change_is_safe(program, loss, target))
        yield rule.finding(
            ctx, loss.placed, loss.node,
            f"binary_crossentropy on a {out.units}-unit softmax scores each unit alone: "
            f"use {target or 'categorical_crossentropy'}",
            fix=fix, related=related, severity=Severity.WARNING, units=out.units, loss=loss.name)
