"""LRN204: `accuracy` tracked for a regression loss on non-class targets."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import with_string_value
from learnability.rules._outputs import PROBABILITY, REGRESSION, class_labels, labels_of, loss_of, output_of
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN204",
    name="accuracy-with-regression-loss",
    category=Category.METRICS,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py claims: 'accuracy' with mse on continuous targets stays at 0.0 (warning: the
    # model learns, the metric misleads).
    summary="'accuracy' metric with a regression loss (mse/mae) and a regression output",
    rationale=(
        "With a regression loss Keras resolves 'accuracy' to a thresholded or exact-match accuracy. On "
        "continuous targets predictions almost never match, so accuracy stays near 0 (or at a meaningless "
        "value) even while the loss falls: the model looks as if it does not learn. Track mae/mse instead."
    ),
    fix="Replace 'accuracy' with 'mae'.",
    covers="`accuracy` with a regression loss on a regression output: stays near 0 while the model learns",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", metrics=["mae"])
            model.fit(x, y, epochs=10)
        """, note="mae tracked for a regression"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=10)
        """, note="accuracy for a classifier"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
            model.fit(x, y, epochs=10)
        """, message="'accuracy' with the regression loss 'mse'", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse", metrics=["mae"])
            model.fit(x, y, epochs=10)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for model in program.trainings():  # each compile with the labels of the fits it is in force for
        loss = loss_of(model)
        if loss is None or loss.name not in REGRESSION or model.compile is None:
            continue
        out = output_of(program, model)
        if out is not None and out.activation in PROBABILITY:
            continue  # a classifier trained with mse: LRN203's, and its accuracy is meaningful
        if class_labels(labels_of(program, model)):
            continue  # mse on class labels: LRN203's
        metrics_arg = model.compile.call.arg(None, "metrics")
        if metrics_arg is None:
            continue
        value = metrics_arg.value
        elements = value.elements if isinstance(value, (cst.List, cst.Tuple)) else []
        for el in elements:
            node = el.value
            name = None
            if isinstance(node, cst.SimpleString):
                name = str(node.evaluated_value).lower()
            elif isinstance(node, (cst.Call, cst.Attribute, cst.Name)):
                q = program.qualname(node.func if isinstance(node, cst.Call) else node) or ""
                name = q.rsplit(".", 1)[-1].lower() if q.startswith(("keras.metrics", "tensorflow.metrics")) else None
            if name not in ("accuracy", "acc"):
                continue
            fix = None
            if isinstance(node, cst.SimpleString):
                fix = Fix("Track 'mae' instead", (ctx.replace(model.compile.call.placed, node, with_string_value(node, "mae")),))
            yield rule.finding(
                ctx, model.compile.call.placed, node,
                f"'accuracy' with the regression loss '{loss.name}' stays near 0: track 'mae' instead",
                fix=fix, loss=loss.name)
