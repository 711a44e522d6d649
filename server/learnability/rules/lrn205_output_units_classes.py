"""LRN205: the output layer's units differ from the number of classes."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.program import LossInfo, ModelInfo, Program
from learnability.analysis.semantic import Stmt
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._outputs import (
    CATEGORICAL,
    SEEN,
    Output,
    class_count,
    each_loss_and_output,
    integer_class_labels,
    labels_of,
    one_hot_labels,
    units_change_is_safe,
    units_literal,
)
from learnability.rules.base import Context, Invalid, Rule, Valid, register

CLASS_COUNT_NAMES = frozenset({"num_classes", "n_classes", "nb_classes", "number_of_classes", "num_class", "n_class",
                               "classes_num", "class_count", "num_labels", "n_labels"})


@register(
    id="LRN205",
    name="output-units-vs-classes",
    category=Category.LOSS,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py more: 2 units for 3 sparse classes raise InvalidArgumentError (error); 4 units for
    # 3 classes train (0.50 vs 0.59 accuracy: information for extra sparse units).
    summary="Output units differ from the number of classes",
    rationale=(
        "A categorical output needs exactly one unit per class. With fewer units, labels of the missing "
        "classes are out of range (sparse labels: NaN or garbage loss) or one-hot rows have the wrong width "
        "(a shape error); with more, the extra units are never a target and only soak up probability mass."
    ),
    fix="Set the output layer's units to the number of classes.",
    covers=(
        "Output units ≠ number of classes (to_categorical width, dataset class count, integer label range, "
        "`num_classes = 10`)"
    ),
    severity_note="warning from a `num_classes` constant, info for extra sparse units",
    valid=[
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_train = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="one output unit per class"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            y_train = keras.utils.to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(5, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="5 output units for 10 classes (mnist has 10 classes): shape error; use 10", fixed="""
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
            import numpy as np
            import keras
            from keras import layers

            num_classes = 4
            x = np.random.rand(256, 8)
            y = keras.utils.to_categorical((x[:, 0] * num_classes).astype(int), num_classes)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="3 output units for 4 classes (the one-hot labels have 4 columns): shape error; use num_classes", fixed="""
            import numpy as np
            import keras
            from keras import layers

            num_classes = 4
            x = np.random.rand(256, 8)
            y = keras.utils.to_categorical((x[:, 0] * num_classes).astype(int), num_classes)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(num_classes, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from each_loss_and_output(ctx, rule, lambda model, loss, out: _one(rule, ctx, model, loss, out))


def _one(rule: Rule, ctx: Context, model: ModelInfo, loss: LossInfo, out: Output) -> Iterator[object]:  # findings, SEEN
    program = ctx.program
    if loss.name not in CATEGORICAL or out.layer.kind != "Dense":
        return
    if out.units is None or out.units == 1 or out.units_arg is None:
        return  # one unit: LRN201's
    labels = labels_of(program, model)
    if integer_class_labels(labels) and labels.low is not None and labels.high is not None and \
            labels.low >= 1 and labels.high - labels.low + 1 == out.units:
        return  # labels 1..n for n units: the count is right, the labels are shifted (LRN604)
    n = class_count(labels)
    name_text = None
    guessed = False
    source = ""
    related = []
    if n is not None:
        if labels is not None and labels.dataset:
            source = f"{labels.dataset} has {n} classes"
        elif one_hot_labels(labels):
            source = f"the one-hot labels have {n} columns"
        else:
            source = f"the integer labels go up to {n - 1}"
        if labels is not None and labels.origin is not None:
            related.append((labels.origin.placed, labels.origin.raw.node, source))
        named = _named_count(program, out.layer.call.index)
        if named is not None and named[1] == n:
            name_text = named[0]
    else:
        found = _named_count(program, out.layer.call.index)
        if found is None:
            return
        name_text, n, stmt = found
        source = f"{name_text} = {n}"
        guessed = True
        related.append((stmt.placed, stmt.raw.node, f"the number of classes: {source}"))
    if n is None or n < 2 or n == out.units:
        return
    yield SEEN
    sparse_extra = loss.name == "sparse_categorical_crossentropy" and out.units > n
    severity = Severity.INFO if sparse_extra else Severity.WARNING if guessed else Severity.ERROR
    new = name_text or str(n)
    # build(units=4): the call's 4 (a constant's name is written at the layer itself)
    written = units_literal(program, out.layer)
    node, placed = written if written is not None and name_text is None else (out.units_arg.value, out.layer.call.placed)
    safe = written is not None and written[0] is node and units_change_is_safe(program, out.layer, n)
    fix = Fix(f"Set the output units to {new}", (ctx.replace(placed, node, new),), safe=safe)
    if out.units < n:
        why = "labels out of range" if loss.name.startswith("sparse") else "shape error"
    elif sparse_extra:
        why = "extra units never targeted"
    else:
        why = "shape error"
    yield rule.finding(
        ctx, out.layer.call.placed, out.units_arg.value,
        f"{out.units} output units for {n} classes ({source}): {why}; use {new}",
        fix=fix, related=related, severity=severity, units=out.units, classes=n)


def _named_count(program: Program, index: int) -> tuple[str, int, Stmt] | None:
    """A module-level constant such as `num_classes = 10`, assigned before `index`."""
    for name in sorted(CLASS_COUNT_NAMES | {n.upper() for n in CLASS_COUNT_NAMES}):
        entry = program.assignment(name, index)
        if entry is None:
            continue
        stmt, _path = entry
        v = program.const(stmt.raw.value, stmt.index) if not _path and stmt.raw.aug_op is None else None
        if isinstance(v, int) and not isinstance(v, bool):
            return name, v, stmt
    return None
