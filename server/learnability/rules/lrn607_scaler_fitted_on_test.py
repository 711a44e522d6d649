"""LRN607: a scaler fitted on the test / validation split and applied to the training split."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from learnability.analysis.data import _SCALERS, _base_name
from learnability.analysis.names import last
from learnability.analysis.program import Program
from learnability.analysis.semantic import Stmt
from learnability.findings import Category, Finding, Severity
from learnability.rules.base import Context, Invalid, Rule, Valid, register

HELD_OUT = re.compile(r"(^|_)(test|val|valid|validation|holdout|dev)(_|$|\d)|^(test|val)[A-Z]|(Test|Val)$", re.I)
TRAIN = re.compile(r"(^|_)(train|tr|training)(_|$|\d)|^train[A-Z]|Train$", re.I)


@register(
    id="LRN607",
    name="scaler-fitted-on-test",
    category=Category.PREPROCESSING,
    severity=Severity.WARNING,
    summary="A scaler fitted on the test or validation split, then applied to the training split",
    rationale=(
        "A scaler's statistics (mean, standard deviation, min, max) must come from the training split and be "
        "reused for the others. Fitted on the test split, the training inputs are scaled with the test split's "
        "statistics: the model trains on inputs that are not centred or not in [0, 1], and the test score "
        "leaks information from the test data into training."
    ),
    fix=None,
    covers=(
        "`scaler.fit(X_test)` / `scaler.fit_transform(X_val)` of a scikit-learn scaler that later transforms "
        "the training split; the splits are known by where they come from (`train_test_split`'s outputs, "
        "`load_data()`'s pairs), else by their names (`X_test`, `x_val`; `X_train`, `x_tr`, ...)"
    ),
    valid=[
        Valid("""
            import numpy as np
            from sklearn.preprocessing import StandardScaler

            X_train, X_test = np.random.rand(800, 4) * 100, np.random.rand(200, 4) * 100
            scaler = StandardScaler().fit(X_train)
            X_train = scaler.transform(X_train)
            X_test = scaler.transform(X_test)
        """, note="fitted on the training split"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            from sklearn.preprocessing import StandardScaler

            X_train, X_test = np.random.rand(800, 4) * 100, np.random.rand(200, 4) * 100
            scaler = StandardScaler().fit(X_test)
            X_train = scaler.transform(X_train)
            X_test = scaler.transform(X_test)
        """, message="the scaler is fitted on X_test"),
        Invalid("""
            import numpy as np
            from sklearn.model_selection import train_test_split
            from sklearn.preprocessing import MinMaxScaler

            X, y = np.random.rand(1000, 4) * 100, np.random.randint(0, 2, 1000)
            a, b, c, d = train_test_split(X, y, test_size=0.2)
            scaler = MinMaxScaler().fit(b)
            a = scaler.transform(a)
        """, message="the scaler is fitted on b and then transforms a"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    fitted: dict[str, tuple[Stmt, cst.BaseExpression, str]] = {}  # scaler variable -> (stmt, node, the held-out name it was fitted on)
    for stmt, events in ctx.each_statement(rule, lambda stmt: _events(program, stmt)):
        for event in events:
            if event[0] == "fit":
                _kind, var, data, node = event
                if data and var and _role(program, data, stmt.index) == "test":
                    fitted[var] = (stmt, node, data)
                elif var in fitted:
                    del fitted[var]  # refitted on something else
            elif event[1] in fitted:
                _kind, receiver, data, call = event
                if data and receiver is not None and _role(program, data, stmt.index) == "train":
                    fstmt, node, held = fitted.pop(receiver)
                    yield rule.finding(
                        ctx, fstmt.placed, node,
                        f"the scaler is fitted on {held} and then transforms {data}: fit it on the training split",
                        related=[(stmt.placed, call, "the training split is transformed here")])


# ("fit", the scaler's variable, the data's name, the data) or ("transform", the scaler's variable, the data's name, the call)
ScalerEvent = tuple[str, "str | None", "str | None", cst.BaseExpression]


def _role(program: Program, name: str | None, index: int) -> str | None:
    """"test" / "train" for a split: where it came from (train_test_split's odd / even outputs, load_data()'s
    second / first pair), else its name (X_test, x_val / X_train, x_tr)."""
    if not name:
        return None
    entry = program.assignment(name, index)
    if entry is not None:
        stmt, path = entry
        value = stmt.raw.value
        if isinstance(value, cst.Call):
            made_by = last(program.qualname(value.func) or "")
            if made_by == "train_test_split" and len(path) == 1:
                return "test" if path[0] % 2 else "train"
            if made_by == "load_data" and len(path) == 2:
                return "test" if path[0] == 1 else "train"
    if HELD_OUT.search(name) and not TRAIN.search(name):
        return "test"
    return "train" if TRAIN.search(name) else None


def _events(program: Program, stmt: Stmt) -> list[ScalerEvent]:
    """A statement's scaler fits ("fit", the scaler's variable, the data's name, the data) and transforms
    ("transform", the scaler's variable, the data's name, the call), in order."""
    raw = stmt.raw
    out: list[ScalerEvent] = []
    for call in _calls(raw.value):
        func = call.func
        if not isinstance(func, cst.Attribute) or not call.args or call.args[0].keyword is not None:
            continue
        method = func.attr.value
        receiver = func.value
        if method in ("fit", "fit_transform"):
            if not _is_scaler(program, receiver, stmt.index):
                continue
            var = receiver.value if isinstance(receiver, cst.Name) else (
                raw.targets[0][0] if raw.kind == "assign" and len(raw.targets) == 1 and method == "fit" else None)
            out.append(("fit", var, _base_name(call.args[0].value), call.args[0].value))
        elif method == "transform" and isinstance(receiver, cst.Name):
            out.append(("transform", receiver.value, _base_name(call.args[0].value), call))
    return out


def _calls(node: cst.CSTNode | None) -> list[cst.Call]:
    """The call and the calls it is chained on: StandardScaler().fit(X_test).transform(X_train)."""
    out = []
    while isinstance(node, cst.Call):
        out.append(node)
        node = node.func.value if isinstance(node.func, cst.Attribute) else None
    return out[::-1]


def _is_scaler(program: Program, receiver: cst.BaseExpression, index: int) -> bool:
    if isinstance(receiver, cst.Call):
        return last(program.qualname(receiver.func) or "") in _SCALERS
    if isinstance(receiver, cst.Name):
        found = program.resolve_call(receiver, index)
        return found is not None and last(program.qualname(found[0].func) or "") in _SCALERS
    return False
