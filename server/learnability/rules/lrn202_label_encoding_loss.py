"""LRN202: the label encoding does not fit the loss (sparse vs one-hot)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import ModelInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import with_string_value
from learnability.rules._outputs import (
    fit_labels,
    integer_class_labels,
    labels_reach_compile,
    loss_change_is_safe,
    loss_of,
    one_hot_labels,
    output_of,
    path_note,
)
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN202",
    name="label-encoding-loss-mismatch",
    category=Category.LOSS,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py claims: both mismatches raise at fit (error).
    summary="Label encoding does not fit the loss (sparse with one-hot labels, categorical with integer labels)",
    rationale=(
        "sparse_categorical_crossentropy expects one integer class index per sample; categorical_crossentropy "
        "expects one one-hot row per sample. One-hot labels given to the sparse loss, or integer labels given "
        "to the categorical one, have the wrong shape: Keras stops with a shape error, or (with a label "
        "column that broadcasts) computes a loss that has nothing to do with the classes."
    ),
    fix="Switch the loss to the one that matches the labels.",
    covers=(
        "Label encoding does not fit the loss: sparse CE with one-hot labels, categorical CE with integer "
        "labels"
    ),
    valid=[
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="sparse crossentropy with integer labels"),
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="recompiled with a sparse loss before the fit on integer labels"),
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_onehot = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x_train, y_onehot, epochs=5)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="the name model reassigned to a second model, each fit with the labels its loss expects"),
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            USE_ONE_HOT = False
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            if USE_ONE_HOT:
                y_train = keras.utils.to_categorical(y_train, 10)
                model.compile(optimizer="adam", loss="categorical_crossentropy")
            else:
                model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="if/else branches that each pair a loss with its label encoding"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_train = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="sparse_categorical_crossentropy with one-hot labels", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_train = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """),
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())
            model.fit(x_train, y_train, epochs=5)
        """, message="categorical_crossentropy with integer labels (mnist): use sparse_categorical_crossentropy", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
            model.fit(x_train, y_train, epochs=5)
        """),
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.evaluate(x_train, y_train)
        """, message="categorical_crossentropy with integer labels (mnist): use sparse_categorical_crossentropy", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.evaluate(x_train, y_train)
        """,
                note="the second compile is in force for evaluate"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    # each compile with the labels of the fits (and evaluates) it is in force for: a model recompiled with
    # the right loss before a fit is correct
    yield from ctx.each_model(rule, ctx.program.trainings(), lambda model: _one(rule, ctx, model))


def _one(rule: Rule, ctx: Context, model: ModelInfo) -> Iterator[Finding]:
    program = ctx.program
    loss = loss_of(model)
    if loss is None or loss.name not in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        return
    out = output_of(program, model)
    if out is not None and out.units == 1:
        return  # a categorical loss on one unit is LRN201's
    compiled = model.compile
    if compiled is None:  # (a training view always has its compile)
        return
    found = None
    for fit in compiled.fits or compiled.uses:  # evaluate's labels when nothing is fitted (the fix checks both)
        if fit.y is None:
            continue
        labels = fit_labels(program, fit)
        if not labels_reach_compile(program, model, fit):
            continue  # labels made on another arm of a branch than this compile: no run pairs them
        if loss.name == "sparse_categorical_crossentropy" and one_hot_labels(labels):
            target, what = "categorical_crossentropy", "one-hot labels"
            why = "it expects one integer class index per sample, not a one-hot row"
        elif loss.name == "categorical_crossentropy" and integer_class_labels(labels):
            target = "sparse_categorical_crossentropy"
            what = f"integer labels ({labels.dataset})" if labels.dataset else "integer labels"
            why = "it expects one-hot rows, not one integer class index per sample"
        else:
            continue
        found = (labels, target, what, why, fit)
        break
    if found is None:
        return
    labels, target, what, why, fit = found
    fix = None
    node = loss.node
    # safe only when every fit that uses the loss written here gets labels the new loss accepts
    safe = loss_change_is_safe(program, loss, target)
    if isinstance(node, cst.SimpleString):
        fix = Fix(f"Use {target}", (ctx.replace(loss.placed, node, with_string_value(node, target)),), safe=safe)
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        cls = "CategoricalCrossentropy" if target == "categorical_crossentropy" else "SparseCategoricalCrossentropy"
        fix = Fix(f"Use {cls}", (ctx.replace(loss.placed, node.func.attr, cls),), safe=safe)
    related = []
    if labels is not None and labels.origin is not None:
        related.append((labels.origin.placed, labels.origin.raw.node, f"the labels: {what}"))
    yield rule.finding(
        ctx, loss.placed, node,
        f"{loss.name} with {what}{path_note(program, model, fit)}: use {target}",
        fix=fix, related=related, loss=loss.name, suggested=target)
