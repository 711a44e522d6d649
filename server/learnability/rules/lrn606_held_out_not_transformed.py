"""LRN606: a transform (scaling, reshape, one-hot) applied to the training split but not to the split given to
validation_data, evaluate or predict; a scaled copy that never reaches fit."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from learnability.analysis.data import DataInfo, describe, names_behind
from learnability.analysis.program import FitInfo, ModelInfo, Program
from learnability.analysis.semantic import Stmt
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import first_per_key
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register


def _held_out(fit: FitInfo, part: int = 0) -> cst.BaseExpression | None:
    """The inputs (part 0) or labels (part 1) of fit(validation_data=(x_val, y_val))."""
    arg = fit.call.arg(None, "validation_data")
    if arg is None or not isinstance(arg.value, (cst.Tuple, cst.List)) or len(arg.value.elements) <= part:
        return None
    return arg.value.elements[part].value


# first layers that accept inputs of any rank (a missing channel axis or an unflattened image still runs)
_ANY_RANK = frozenset({"Flatten", "Reshape", "Lambda", "GlobalAveragePooling2D", "GlobalMaxPooling2D"})


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
        "the very same transform (the scaler fitted on the training split) to every split. Training inputs "
        "reshaped to another rank than the held-out ones stop evaluate/predict with a shape error; one-hot "
        "training labels with categorical crossentropy cannot be compared with integer held-out labels; and a "
        "scaled copy that is never read (or is overwritten first) leaves fit with the raw values."
    ),
    fix=None,
    covers=(
        "The inputs of a fit are scaled (`/ 255`, a scaler, standardisation) while the inputs from the same "
        "source given to `validation_data`, `evaluate` or `predict` reach it unscaled (values above "
        "`input_max_abs`); the training inputs reshaped (`reshape`, `expand_dims`, `[..., None]`) to another "
        "number of dimensions than the held-out inputs of the same data set; one-hot training labels with "
        "categorical crossentropy against integer labels in `validation_data` / `evaluate`; a scaled copy "
        "(`X_scaled = scaler.fit_transform(X)`) never used, or overwritten before use, while the raw array "
        "reaches fit"
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
        Valid("""
            import keras
            from keras import layers
            from keras.utils import to_categorical

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            x_train, x_test = x_train.reshape(-1, 784) / 255.0, x_test.reshape(-1, 784) / 255.0
            y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)
            model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
            model.evaluate(x_test, y_test)
        """, note="both splits reshaped and one-hot encoded"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            x_train = x_train[..., np.newaxis] / 255.0
            x_test = x_test / 255.0
            model = keras.Sequential([layers.Flatten(), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=3)
            model.evaluate(x_test, y_test)
        """, note="a first Flatten layer takes inputs of any rank"),
        Valid("""
            import pandas as pd
            import keras
            from keras import layers
            from sklearn.model_selection import train_test_split
            from sklearn.preprocessing import StandardScaler

            df = pd.read_csv("churn.csv")
            X = df.drop(columns=["churned"]).values
            y = df["churned"].values
            X_scaled = StandardScaler().fit_transform(X)
            X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2)
            model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
        """, note="the scaled copy is the one split and trained on"),
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
        """, message="evaluate gets unscaled inputs (up to 255), training scaled ones: apply the same transform"),
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
        """, message="validation_data gets unscaled inputs (up to 1000)"),
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            x_train = x_train.reshape(-1, 784) / 255.0
            x_test = x_test / 255.0
            model = keras.Sequential([keras.Input((784,)), layers.Dense(128, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
            model.evaluate(x_test, y_test)
        """, message="training inputs reshaped to 2-D, evaluate gets 3-D"),
        Invalid("""
            import keras
            from keras import layers
            from keras.utils import to_categorical

            (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
            x_train, x_test = x_train / 255.0, x_test / 255.0
            y_train = to_categorical(y_train, 10)
            model = keras.Sequential([keras.Input((32, 32, 3)), layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x_train, y_train, epochs=10, validation_data=(x_test, y_test))
        """, message="integer labels in validation_data"),
        Invalid("""
            import pandas as pd
            import keras
            from keras import layers
            from sklearn.model_selection import train_test_split
            from sklearn.preprocessing import StandardScaler

            df = pd.read_csv("churn.csv")
            X = df.drop(columns=["churned"]).values
            y = df["churned"].values
            X_scaled = StandardScaler().fit_transform(X)
            X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
            model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(X_train, y_train, epochs=30, validation_data=(X_test, y_test))
        """, message="scaled copy X_scaled (line 10) is never used"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers
            from sklearn.model_selection import train_test_split

            X = np.random.uniform(0, 5000, size=(2000, 6))
            y = (X[:, 0] + X[:, 1] > 5000).astype(int)
            X_scaled = X / 5000.0
            X_scaled, X_val, y_train, y_val = train_test_split(X, y, test_size=0.1)
            model = keras.Sequential([keras.Input((6,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(X_scaled, y_train, epochs=20)
        """, message="is overwritten on line 9 unread"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    limit = ctx.config.threshold("input_max_abs")
    yield from first_per_key(ctx.each_model(rule, ctx.program.models, lambda model: _one(rule, ctx, model, limit)))
    yield from _dead_scaled_copies(rule, ctx)


def _one(rule: Rule, ctx: Context, model: ModelInfo, limit: float) -> Iterator[tuple[int, Finding]]:
    program = ctx.program
    trains = [f for f in model.fits if f.x is not None]
    if not trains:
        return
    reported: set[int] = set()
    helds: list[tuple[str, cst.BaseExpression, int, FitInfo | None, FitInfo]] = []
    for fit in trains:
        node = _held_out(fit)
        if node is not None:
            helds.append(("validation_data", node, fit.call.index, fit, fit))
    for use in model.uses:
        if use.x is not None:
            helds.append((use.method, use.x, use.call.index, None, use))
    for where, node, index, own, call in helds:
        if id(node) in reported:
            continue
        held = describe(program, node, index)
        if not _raw(held, limit) and (held.ndim is None or held.reshaped):
            continue  # scaled, or of unknown rank: nothing a training split could differ in
        for train in ([own] if own is not None else [f for f in trains if f.call.index < index]):
            train_info = describe(program, train.x, train.call.index)
            message = _scale_mismatch(train_info, held, where, limit) or _rank_mismatch(model, train_info, held, where)
            if message is None or train.x is None or not _same_origin(program, train, train_info, node, index, held):
                continue
            reported.add(id(node))
            related: list[RelatedSpan] = [(train.call.placed, train.x, "the training inputs")]
            if held.origin is not None:
                related.append((held.origin.placed, held.origin.raw.node, "these inputs are made here"))
            yield id(node), rule.finding(ctx, call.call.placed, node, message, related=related, max_abs=held.max_abs)
            break
    yield from _label_mismatch(rule, ctx, model, trains, reported)


def _scale_mismatch(train: DataInfo, held: DataInfo, where: str, limit: float) -> str | None:
    if not (_raw(held, limit) and _scaled(train, limit)):
        return None
    return f"{where} gets unscaled inputs (up to {held.max_abs:g}), training scaled ones: apply the same transform"


def _rank_mismatch(model: ModelInfo, train: DataInfo, held: DataInfo, where: str) -> str | None:
    """The training inputs reshaped to another number of dimensions than the held-out ones (x_train.reshape(-1, 784)
    and x_test as loaded): evaluate / predict stop with a shape error."""
    if not train.reshaped or train.ndim is None or held.ndim is None or held.ndim == train.ndim or held.reshaped:
        return None
    first = next((layer for layer in model.layers if layer.kind not in ("Input", "InputLayer")), None)
    if first is None or first.kind in _ANY_RANK or model.opaque:
        return None
    return f"training inputs reshaped to {train.ndim}-D, {where} gets {held.ndim}-D: reshape every split the same way"


def _label_mismatch(rule: Rule, ctx: Context, model: ModelInfo, trains: list[FitInfo], reported: set[int]
                    ) -> Iterator[tuple[int, Finding]]:
    """One-hot training labels with categorical crossentropy, integer labels in validation_data / evaluate."""
    program = ctx.program
    one_hot = [f for f in trains if f.y is not None and f.compile is not None and f.compile.loss is not None
               and f.compile.loss.name == "categorical_crossentropy"
               and describe(program, f.y, f.call.index).one_hot]
    if not one_hot:  # the cheap side first: most models train on something else
        return
    checks: list[tuple[str, cst.BaseExpression, int, FitInfo, FitInfo | None]] = []
    for fit in trains:
        y = _held_out(fit, 1)
        if y is not None:
            checks.append(("validation_data", y, fit.call.index, fit, fit))
    for use in model.uses:
        if use.y is not None and use.method == "evaluate":
            checks.append((use.method, use.y, use.call.index, use, None))
    for where, node, index, call, own in checks:
        if id(node) in reported:
            continue
        held = describe(program, node, index)
        if held.one_hot or not held.integer_labels or held.source == "unknown":
            continue
        for train in ([own] if own is not None else [f for f in one_hot if f.call.index < index]):
            if train not in one_hot:
                continue
            train_info = describe(program, train.y, train.call.index)
            same = (train_info.dataset is not None and train_info.dataset == held.dataset) or bool(
                names_behind(program, train.y, train.call.index) & names_behind(program, node, index))
            if not train_info.one_hot or not same or train.y is None:
                continue
            reported.add(id(node))
            yield id(node), rule.finding(
                ctx, call.call.placed, node,
                f"one-hot training labels, integer labels in {where}: one-hot every split or use a sparse loss",
                related=[(train.call.placed, train.y, "the one-hot training labels")])
            break


_WORD = r"(?<![\w.]){}(?!\w)"


def _dead_scaled_copies(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """X_scaled = scaler.fit_transform(X) never read (or bound again before it is read) while fit gets X's raw
    values: the scaling was done and thrown away."""
    program = ctx.program
    lines = program.source.splitlines()
    done: set[int] = set()
    for model, fit in ((m, f) for m in program.models for f in m.fits if f.x is not None):
        if fit.x is None or id(fit.call.node) in done:
            continue
        train = describe(program, fit.x, fit.call.index)
        if train.scaled or train.constant or train.source == "unknown":
            continue
        behind = names_behind(program, fit.x, fit.call.index)
        for stmt in program.stmts[: fit.call.index]:
            raw = stmt.raw
            if raw.kind != "assign" or raw.aug_op is not None or len(raw.targets) != 1 or raw.targets[0][1] or \
                    stmt.placed is None or raw.value is None or stmt.frame is not None and stmt.frame.label:
                continue
            name = raw.targets[0][0]
            info = describe(program, raw.value, stmt.index)
            if not info.scaled or info.constant:
                continue
            sources = names_behind(program, raw.value, stmt.index)
            if not sources & behind:
                continue
            dead = _never_read(program, lines, stmt, name)
            if dead is None:
                continue
            done.add(id(fit.call.node))
            line = stmt.placed.span(raw.node).line
            yield rule.finding(
                ctx, fit.call.placed, fit.x,
                f"fit gets raw values: scaled copy {name} (line {line}) {dead}; train on it",
                related=[(stmt.placed, raw.node, f"{name}: the scaled copy")])
            break


def _never_read(program: Program, lines: list[str], stmt: Stmt, name: str) -> str | None:
    """How a binding dies unread: "is never used", "is overwritten on line N before it is used"; None when a
    later line reads it."""
    span = stmt.placed.span(stmt.raw.node)
    word = re.compile(_WORD.format(re.escape(name)))
    rebind = re.compile(r"^\s*(?:[\w.\[\]]+\s*,\s*)*" + re.escape(name) + r"\s*(?:,\s*[\w.\[\]]+\s*)*=(?!=)")
    for n in range(span.end_line, len(lines)):
        text = lines[n].split("#", 1)[0]
        if not word.search(text):
            continue
        m = rebind.match(text)
        if m is None or word.search(text[m.end():]):
            return None  # read (or rebound from itself)
        return f"is overwritten on line {n + 1} unread"
    return "is never used"
