"""LRN901: fit runs for 0 or 1 epochs (or starts at or after its last epoch)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import libcst as cst

from learnability.analysis.data import describe
from learnability.analysis.names import last
from learnability.analysis.program import CallView, FitInfo, Program
from learnability.analysis.semantic import NOTHING
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import fits
from learnability.rules._optim import literal_behind
from learnability.rules.base import Context, Invalid, Rule, Valid, register

SUGGESTED = 10
# What trains a model is the number of optimizer steps, not of epochs: one epoch of 60,000 MNIST images
# in batches of 64 is ~940 steps, enough for a CNN to reach ~98%. Below this many steps a run has
# barely started (a hundred small steps move Adam's weights by ~0.1 at most).
MIN_STEPS = 100
KERAS_DEFAULT_BATCH = 32
# training-set sizes of the data sets Keras (and the usual tutorial loaders) ship
TRAIN_SIZES = {
    "mnist": 60_000, "fashion_mnist": 60_000, "cifar10": 50_000, "cifar100": 50_000, "imdb": 25_000,
    "reuters": 8_982, "boston_housing": 404, "california_housing": 16_512,
}
_ROW_READERS = frozenset({"read_csv", "read_table", "read_excel", "read_parquet", "read_json", "loadtxt", "genfromtxt"})
_WALK_LIMIT = 40


class _Parts(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []
        self.calls: list[cst.Call] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)


def _row_slices(expr: cst.CSTNode) -> list[cst.Slice]:
    """The slices over the first (sample) axis along an array expression's spine: `X[:1000]`,
    `X[:1000].astype(...)`, `data.x_train[100:600]`; not a slice of a feature axis (`X[:, 2:5]`) nor one
    inside a comprehension or a call's arguments (`[s[:100] for s in texts]`)."""
    out: list[cst.Slice] = []
    node = expr
    while True:
        if isinstance(node, cst.Subscript):
            first = node.slice[0].slice if node.slice else None
            if isinstance(first, cst.Slice):
                out.append(first)
            node = node.value
        elif isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            node = node.func.value
        else:
            return out


def _origin_size(program: Program, call: cst.Call, index: int) -> tuple[int, str] | None:
    """The number of samples a data-making call gives, when it says: a known data set's load_data()
    (or a loader class named after it, MNIST(...)), read_csv(..., nrows=N)."""
    q = program.qualname(call.func) or ""
    name = last(q)
    if name == "load_data" and "." in q:
        ds = last(q.rsplit(".", 1)[0]).lower()
        if ds in TRAIN_SIZES:
            return TRAIN_SIZES[ds], f"the {ds} training set"
    if name.lower() in TRAIN_SIZES:
        return TRAIN_SIZES[name.lower()], f"the {name} training set"
    if name in _ROW_READERS:
        rows = next((a for a in call.args if a.keyword is not None and a.keyword.value in ("nrows", "max_rows")), None)
        n = program.const(rows, index) if rows is not None else NOTHING
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            return n, f"up to {n:,} rows read with {name}"
    return None


def _sample_count(program: Program, x: cst.BaseExpression, index: int) -> tuple[int, str] | None:
    """About how many training samples reach fit, and where the number comes from; None when unknown.
    A literal array's shape, else the data set or the row count the inputs are made from (followed back
    through their assignments), capped by a literal slice on the way (X_train[:1000])."""
    info = describe(program, x, index)
    if info.n_samples:
        return info.n_samples, f"{info.n_samples:,} samples"
    if info.dataset in TRAIN_SIZES:
        found: tuple[int, str] | None = (TRAIN_SIZES[info.dataset], f"the {info.dataset} training set")
    else:
        found = None
    cap: int | None = None
    todo: list[tuple[cst.CSTNode, int]] = [(x, index)]
    seen: set[str] = set()
    visited = 0
    while todo and visited < _WALK_LIMIT:
        expr, at = todo.pop(0)
        visited += 1
        parts = _Parts()
        expr.visit(parts)
        for sl in _row_slices(expr):
            lo = program.const(sl.lower, at) if sl.lower is not None else 0
            hi = program.const(sl.upper, at) if sl.upper is not None else NOTHING
            if isinstance(lo, int) and isinstance(hi, int) and 0 <= lo < hi:
                cap = hi - lo if cap is None else min(cap, hi - lo)
        for call in parts.calls:
            if found is None:
                found = _origin_size(program, call, at)
        for name in parts.names:
            if name in seen:
                continue
            seen.add(name)
            entry = program.assignment(name, at)
            if entry is not None and entry[0].raw.value is not None:
                todo.append((entry[0].raw.value, entry[0].index))
    if found is None:
        return None
    if cap is not None and cap < found[0]:
        return cap, f"{cap:,} samples"
    return found


def _loops(statements: Sequence[cst.CSTNode]) -> list[cst.CSTNode]:
    """for/while statements among `statements` and the blocks nested in them (functions, ifs, withs)."""
    found: list[cst.CSTNode] = []
    todo = list(statements)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, (cst.For, cst.While)):
            found.append(stmt)
            continue
        body = getattr(stmt, "body", None)
        if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            todo.extend(body.body)
        for extra in ("orelse", "finalbody"):
            block = getattr(stmt, extra, None)
            if block is not None:
                todo.append(block)
        todo.extend(getattr(stmt, "handlers", ()))
    return found


def _in_loop(call: CallView) -> bool:
    module = call.placed.chunk.module
    if module is None:
        return False
    loops = _loops(module.body)
    if not loops:
        return False
    span = call.placed.span(call.node)
    for loop in loops:
        outer = call.placed.span(loop)
        if (outer.line, outer.column) <= (span.line, span.column) and (span.end_line, span.end_column) <= (outer.end_line, outer.end_column):
            return True
    return False


@register(
    id="LRN901",
    name="too-few-epochs",
    category=Category.EPOCHS,
    severity=Severity.INFO,
    # scripts/measure_rule_claims.py more: fit(epochs=0) returns an empty history, the weights never move (error);
    # one epoch trains, just briefly (information).
    summary="fit trains for 0 or 1 epochs",
    rationale=(
        "An epoch is one pass over the training data. epochs=0 (or initial_epoch >= epochs) runs no update "
        "at all: the model keeps its random weights. What trains a model is the number of optimizer steps "
        "(samples / batch_size per epoch): one epoch of 60,000 MNIST images is ~1,900 steps and can be plenty, "
        "one epoch of 500 samples is 16 steps, and the loss has barely started to fall. A single epoch is "
        "reported when its steps are known to be fewer than 100 (a literal array's size, a slice, "
        "steps_per_epoch); a known data set (mnist, imdb...) or read_csv(nrows=...) counts as its size, and "
        "data of unknown size is not reported. Keras 2's nb_epoch means the same."
    ),
    fix="Train for more epochs (10 is a start; use EarlyStopping to stop when validation stops improving).",
    covers=("`epochs`, Keras 2 `nb_epoch`, positional, module constants; steps = samples / `batch_size` (a literal "
            "array's size, a slice, a Keras data set's size, `read_csv(nrows=...)`) or `steps_per_epoch`; data of unknown "
            "size: silent"),
    severity_note="error for 0 epochs or initial_epoch >= epochs; info for 1 epoch of fewer than 100 optimizer steps",
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
            model.fit(x, y, epochs=20)
        """, note="20 epochs"),
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
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=0)
        """, message="epochs=0: fit runs no epoch at all", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.ERROR),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=1)
        """, message="train for more epochs", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for _model, fit in fits(program):
        epochs = fit.epochs
        if not isinstance(epochs, int) or isinstance(epochs, bool):
            continue
        arg = fit.call.arg(3 if fit.method == "fit" else None, "epochs", "nb_epoch")
        if arg is None:
            continue
        initial = fit.call.arg(None, "initial_epoch")
        start = program.const(initial, fit.call.index) if initial is not None else 0
        start = start if isinstance(start, int) and not isinstance(start, bool) else 0
        runs = epochs - start
        if runs > 1 or (runs == 1 and _in_loop(fit.call)):
            continue  # for epoch in range(50): model.fit(X, y, epochs=1) trains 50 epochs
        steps = None
        if runs == 1:
            steps = _steps(program, fit)
            if steps is None or steps[0] >= MIN_STEPS:
                continue  # one epoch of a large (or unknown) data set can be hundreds of steps
        fix = None
        target = literal_behind(program, arg.value, fit.call.placed, fit.call.index)
        if target is not None and start == 0:
            node, placed = target
            fix = Fix(f"Train for {SUGGESTED} epochs", (ctx.replace(placed, node, str(SUGGESTED)),), safe=False)
        if runs <= 0:
            what = f"epochs={epochs}" + (f" with initial_epoch={start}" if start else "")
            yield rule.finding(ctx, fit.call.placed, arg.value,
                               f"{what}: fit runs no epoch at all, so the model keeps its random weights",
                               fix=fix, severity=Severity.ERROR, epochs=epochs)
        else:
            assert steps is not None
            yield rule.finding(ctx, fit.call.placed, arg.value,
                               f"a single epoch ({steps[1]}) is only {steps[0]} step{'s' if steps[0] != 1 else ''}: "
                               f"train for more epochs (e.g. {SUGGESTED})",
                               fix=fix, severity=Severity.INFO, epochs=epochs, steps=steps[0])


def _steps(program: Program, fit: FitInfo) -> tuple[int, str] | None:
    """(optimizer steps in one epoch, how they were counted) when known: steps_per_epoch=N, or the
    sample count over the batch size (Keras's default 32 when none is given)."""
    index = fit.call.index
    per_epoch = fit.call.arg(None, "steps_per_epoch")
    if per_epoch is not None:
        n = program.const(per_epoch, index)
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            return n, f"steps_per_epoch={n}"
        return None
    if fit.x is None or fit.method != "fit":
        return None
    counted = _sample_count(program, fit.x, index)
    if counted is None:
        return None
    n, what = counted
    info = describe(program, fit.x, index)
    if info.container in ("dataset", "generator"):
        batch = None  # batched by the pipeline: at most one step per sample
    elif fit.batch_size is NOTHING:
        batch = KERAS_DEFAULT_BATCH
    else:
        batch = fit.batch_size if isinstance(fit.batch_size, int) and not isinstance(fit.batch_size, bool) else None
    if batch is None or batch <= 0:
        return (n, f"{what} (at most one step per sample)") if n < MIN_STEPS else None
    shown = f"{what} in batches of {batch}"
    return math.ceil(n / batch), shown
