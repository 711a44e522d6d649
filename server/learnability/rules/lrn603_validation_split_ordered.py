"""LRN603: `validation_split` on data ordered by class: the validation set is the last class only."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import fits
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN603",
    name="validation-split-ordered-data",
    category=Category.DATA,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py more: class-ordered labels with validation_split=0.2: val_accuracy 0.02 while
    # training accuracy reaches 0.70 (warning: training still happens, validation is meaningless).
    summary="validation_split on data ordered by class (no shuffle before fit)",
    rationale=(
        "fit(validation_split=f) takes the LAST fraction f of the arrays as validation data, before any "
        "shuffling; shuffle=True only shuffles the training part, after the split. When the samples are "
        "stored class by class (concatenated blocks, [0]*n + [1]*n, np.repeat(np.arange(k), n)), the "
        "validation set holds only the last class(es) and training never sees them: validation accuracy "
        "is meaningless and the model learns a partial problem. Shuffle the arrays together first "
        "(p = np.random.permutation(len(y)); X, y = X[p], y[p]) or use train_test_split."
    ),
    fix=None,
    covers=(
        "`validation_split` on class-ordered labels (`[0]*n + [1]*n`, concatenated blocks, `np.repeat`) with "
        "no shuffle before `fit` (`shuffle=True` does not help); silent after a permutation, "
        "`sklearn.utils.shuffle`, `np.random.shuffle`, `train_test_split`"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = np.array([0] * 128 + [1] * 128)
            x[y == 1] += 1
            order = np.random.permutation(256)
            x, y = x[order], y[order]
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, validation_split=0.2)
        """, note="a permutation before fit"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = np.array([0] * 128 + [1] * 128)
            x[y == 1] += 1
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, validation_split=0.2, shuffle=True)
        """, message="validation_split=0.2 takes the last 20% of class-sorted labels (one class): shuffle X and y first"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for _model, fit in fits(program):
        split = fit.validation_split
        if fit.y is None or not isinstance(split, (int, float)) or isinstance(split, bool) or not 0 < split < 1:
            continue
        info = describe(program, fit.y, fit.call.index)
        if not info.ordered_blocks:
            continue
        classes = ""
        if info.n_classes and info.n_samples and info.n_classes > 1:
            per = info.n_samples / info.n_classes
            held = split * info.n_samples
            if held <= per:
                classes = " (one class)"
        arg = fit.call.arg(6, "validation_split")
        related = []
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, "the labels are built class by class here"))
        yield rule.finding(
            ctx, fit.call.placed, arg.value if arg is not None else fit.call.node,
            f"validation_split={split:g} takes the last {split:.0%} of class-sorted labels{classes}: "
            "shuffle X and y first",
            related=related,
        )
