"""LRN901: fit runs for 0 or 1 epochs (or starts at or after its last epoch)."""

from __future__ import annotations

import libcst as cst

from learnability.findings import Category, Fix, Severity
from learnability.rules._helpers import fits
from learnability.rules._optim import literal_behind
from learnability.rules.base import Context, Invalid, Rule, Valid, register

SUGGESTED = 10


def _loops(statements) -> list[cst.CSTNode]:
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


def _in_loop(call) -> bool:
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
        "at all: the model keeps its random weights. One epoch is often far too little on small data sets: "
        "the loss has barely started to fall and the accuracy looks stuck at chance, when the model simply "
        "has not trained yet. Keras 2's nb_epoch means the same."
    ),
    fix="Train for more epochs (10 is a start; use EarlyStopping to stop when validation stops improving).",
    covers="`epochs`, Keras 2 `nb_epoch`, positional, module constants",
    severity_note="error for 0 epochs or initial_epoch >= epochs",
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
def check(rule: Rule, ctx: Context):
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
            yield rule.finding(ctx, fit.call.placed, arg.value,
                               "fit trains for a single epoch: one pass over the data is usually far too little "
                               "for the loss to fall, so the model looks stuck when it has barely started; "
                               f"train for more epochs (e.g. {SUGGESTED}, with EarlyStopping)",
                               fix=fix, severity=Severity.INFO, epochs=epochs)
