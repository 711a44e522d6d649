"""LRN605: labels shuffled on their own while the inputs keep their order."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.data import _base_name, _is_rng, _is_shuffling_index, names_behind
from learnability.analysis.program import Program
from learnability.analysis.semantic import Stmt
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import fits
from learnability.rules.base import Context, Invalid, Rule, Valid, register

_IN_PLACE = frozenset({"numpy.random.shuffle", "random.shuffle", "tensorflow.random.shuffle"})


def _shuffle_events(rule: Rule, ctx: Context) -> list[tuple[str, int]]:
    """(name, statement index) for each statement that reorders an array on its own: np.random.shuffle(y),
    random.shuffle(y), rng.shuffle(y) in place; y = np.random.permutation(y), y = rng.permutation(y),
    y = sklearn.utils.shuffle(y) (one array only), y = y[perm] with perm a permutation."""
    program = ctx.program
    return [event for _stmt, events in ctx.each_statement(rule, lambda stmt: _stmt_events(program, stmt))
            for event in events]


def _stmt_events(program: Program, stmt: Stmt) -> list[tuple[str, int]]:
    raw = stmt.raw
    value = raw.value
    if raw.kind == "expr" and isinstance(value, cst.Call):
        func = value.func
        q = program.qualname(func) or ""
        positional = [a for a in value.args if a.keyword is None and not a.star]
        rng_method = isinstance(func, cst.Attribute) and func.attr.value == "shuffle" and \
            _is_rng(program, func.value, stmt.index)
        if positional and (q in _IN_PLACE or rng_method):
            name = _base_name(positional[0].value)
            if name:
                return [(name, stmt.index)]
    elif raw.kind == "assign" and len(raw.targets) == 1 and not raw.targets[0][1] and value is not None:
        name = raw.targets[0][0]
        if isinstance(value, cst.Call):
            func = value.func
            q = program.qualname(func) or ""
            positional = [a for a in value.args if a.keyword is None and not a.star]
            perm = (q == "numpy.random.permutation" or
                    (isinstance(func, cst.Attribute) and func.attr.value in ("permutation", "permuted")
                     and _is_rng(program, func.value, stmt.index)) or
                    (q in ("sklearn.utils.shuffle", "tensorflow.random.shuffle") and len(positional) == 1))
            # np.random.permutation(100) is an index, not data: only an array argument reorders data
            if perm and positional and isinstance(positional[0].value, (cst.Name, cst.Subscript, cst.Attribute)) \
                    and not isinstance(program.const(positional[0].value, stmt.index), int):
                return [(name, stmt.index)]
        elif isinstance(value, cst.Subscript) and value.slice and isinstance(value.slice[0].slice, cst.Index) \
                and _is_shuffling_index(program, value.slice[0].slice.value, stmt.index):
            return [(name, stmt.index)]
    return []


@register(
    id="LRN605",
    name="labels-shuffled-alone",
    category=Category.DATA,
    severity=Severity.WARNING,
    summary="Labels shuffled on their own (np.random.shuffle(y)) while the inputs keep their order",
    rationale=(
        "Shuffling the labels without the same permutation of the inputs breaks the pairing between each "
        "sample and its label: what is left is random labels. Training accuracy creeps up by memorisation "
        "and held-out accuracy stays at chance. Shuffle the pairs together: one permutation indexing both "
        "(`p = rng.permutation(len(x)); x, y = x[p], y[p]`), sklearn.utils.shuffle(x, y), or "
        "fit(shuffle=True), which Keras does by default."
    ),
    fix=None,
    covers=(
        "`np.random.shuffle(y)`, `random.shuffle(y)`, `rng.shuffle(y)`, `y = rng.permutation(y)`, `y = y[perm]` "
        "applied to the labels of a fit whose inputs are never shuffled; not when the inputs are shuffled too "
        "(the same permutation, or equal seeds) or both come from one array"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(500, 8)
            y = (x.sum(axis=1) > 4).astype(int)
            p = np.random.permutation(len(x))
            x, y = x[p], y[p]
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="one permutation for both"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(500, 8)
            y = (x.sum(axis=1) > 4).astype(int)
            np.random.seed(7)
            np.random.shuffle(x)
            np.random.seed(7)
            np.random.shuffle(y)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="both shuffled after the same seed"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            data = np.random.rand(500, 9)
            np.random.shuffle(data)
            x, y = data[:, :8], (data[:, 8] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="rows shuffled before inputs and labels are split off"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(500, 8)
            y = (x.sum(axis=1) > 4).astype(int)
            np.random.shuffle(y)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="labels are shuffled apart from their inputs: shuffle both with one permutation"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            rng = np.random.default_rng(0)
            x = rng.random((500, 8))
            labels = (x[:, 0] > 0.5).astype(int)
            labels = rng.permutation(labels)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, labels, epochs=10)
        """, message="labels are shuffled apart from their inputs: shuffle both with one permutation"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    events = _shuffle_events(rule, ctx)
    if not events:
        return
    seen: set[int] = set()
    for _model, fit in fits(program):
        if fit.y is None or fit.x is None or id(fit.call.node) in seen:
            continue
        at = fit.call.index
        ys = names_behind(program, fit.y, at) | {n for n in [_base_name(fit.y)] if n}
        xs = names_behind(program, fit.x, at) | {n for n in [_base_name(fit.x)] if n}
        # labels computed from the inputs (y = f(x)) share names with them: only a shuffle of a name behind
        # the labels and not behind the inputs separates them
        y_events = [i for name, i in events if name in ys and name not in xs and i < at]
        if not y_events or any(name in xs and i < at for name, i in events):
            continue
        seen.add(id(fit.call.node))
        stmt = program.stmts[y_events[0]]
        yield rule.finding(
            ctx, fit.call.placed, fit.y,
            "labels are shuffled apart from their inputs: shuffle both with one permutation",
            related=[(stmt.placed, stmt.raw.node, "the labels are shuffled here")])
