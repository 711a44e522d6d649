"""LRN606: inputs scaled for training but not for validation, evaluate or predict."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.data import DataInfo, describe, names_behind
from learnability.analysis.program import FitInfo, Program
from learnability.findings import Category, Finding, Severity
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


def _held_out(fit: FitInfo) -> cst.BaseExpression | None:
    """The inputs of fit(validation_data=(x_val, y_val))."""
    arg = fit.call.arg(None, "validation_data")
    if arg is None or not isinstance(arg.value, (cst.Tuple, cst.List)) or not arg.value.elements:
        return None
    return arg.value.elements[0].value


def _scaled(info: DataInfo, limit: float) -> bool:
    return info.source != "unknown" and (info.scaled or (info.max_abs is not None and info.max_abs <= limit)) \
        and not info.constant


def _raw(info: DataInfo, limit: float) -> bool:
    return info.source != "unknown" and not info.scaled and not info.constant and info.max_abs is not None \
        and info.max_abs > limit


def _same_origin(program: Program, train: FitInfo, train_info: DataInfo, node: cst.BaseExpression, index: int,
                 held: DataInfo) -> bool:
    if train_info.dataset is not None and train_info.dataset == held.dataset:
        return True
    return bool(names_behind(program, train.x, train.call.index) & names_behind(program, node, index))


@register(
    id="LRN606",
    name="held-out-not-transformed",
    category=Category.PREPROCESSING,
    severity=Severity.WARNING,
    summary="Inputs scaled for training but passed raw to validation_data, evaluate or predict",
    rationale=(
        "A model trained on scaled inputs (x / 255, standardised columns) has learnt weights for that scale. "
        "Given the same kind of data unscaled, its first layer sees values hundreds of times larger: validation "
        "and test accuracy fall to chance and predictions are meaningless, although training looks fine. Apply "
        "the very same transform (the scaler fitted on the training split) to every split."
    ),
    fix=None,
    covers=(
        "The inputs of a fit are scaled (`/ 255`, a scaler, standardisation) while the inputs from the same "
        "source given to `validation_data`, `evaluate` or `predict` reach it unscaled (values above "
        "`input_max_abs`)"
    ),
    valid=[
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            x_train = x_train.reshape(-1, 784) / 255.0
            x_test = x_test.reshape(-1, 784) / 255.0
            model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
            model.evaluate(x_test, y_test)
        """, note="both splits scaled"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            x_train = x_train.reshape(-1, 784) / 255.0
            x_test = x_test.reshape(-1, 784)
            model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
            model.evaluate(x_test, y_test)
        """, message="evaluate gets them unscaled (values up to 255)"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers
            from sklearn.model_selection import train_test_split

            X = np.random.uniform(0, 1000, size=(1000, 4))
            y = (X[:, 0] > X[:, 1]).astype(int)
            X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2)
            X_train = X_train / 1000.0
            model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(X_train, y_train, epochs=10, validation_data=(X_val, y_val))
        """, message="validation_data gets them unscaled (values up to 1000)"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    limit = ctx.config.threshold("input_max_abs")
    reported: set[int] = set()
    for model in program.models:
        trains = [f for f in model.fits if f.x is not None]
        if not trains:
            continue
        helds: list[tuple[str, cst.BaseExpression, int, FitInfo | None]] = []
        for fit in trains:
            node = _held_out(fit)
            if node is not None:
                helds.append(("validation_data", node, fit.call.index, fit))
        for use in model.uses:
            if use.x is not None:
                helds.append((use.method, use.x, use.call.index, None))
        for where, node, index, own in helds:
            if id(node) in reported:
                continue
            held = describe(program, node, index)
            if not _raw(held, limit):
                continue
            for train in ([own] if own is not None else [f for f in trains if f.call.index < index]):
                train_info = describe(program, train.x, train.call.index)
                if train.x is None or not _scaled(train_info, limit) or not _same_origin(program, train, train_info, node, index, held):
                    continue
                reported.add(id(node))
                placed = own.call.placed if own is not None else next(u.call.placed for u in model.uses if u.x is node)
                related: list[RelatedSpan] = [(train.call.placed, train.x, "the training inputs, scaled")]
                if held.origin is not None:
                    related.append((held.origin.placed, held.origin.raw.node, "these inputs are made here"))
                yield rule.finding(
                    ctx, placed, node,
                    f"the model is trained on scaled inputs, but {where} gets them unscaled (values up to "
                    f"{held.max_abs:g}): the weights learnt for scaled values make these predictions meaningless; "
                    "apply the same transform to every split",
                    related=related, max_abs=held.max_abs)
                break
