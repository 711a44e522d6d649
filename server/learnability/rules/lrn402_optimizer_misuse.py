"""LRN402: optimizer hyper-parameters outside their valid range, or one optimizer shared by two models."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import TRAINING_METHODS, CompileInfo, ModelInfo, Program
from learnability.analysis.semantic import exclusive
from learnability.findings import Category, Finding, Severity
from learnability.rules._optim import family, is_legacy, optimizer_calls
from learnability.rules.base import Context, Invalid, Rule, Valid, register

# family -> {argument: position in Keras 3's signature (None: keyword only here)}
MOMENTS = {
    "sgd": {"momentum": 1},
    "adam": {"beta_1": 1, "beta_2": 2},
    "rmsprop": {"rho": 1, "momentum": 2},
    "adadelta": {"rho": 1},
}
WHY = {
    "momentum": "steps grow without bound",
    "beta_1": "the first step is inf/NaN",
    "beta_2": "every step is 0 or NaN",
    "rho": "steps explode",
}


@register(
    id="LRN402",
    name="optimizer-misuse",
    category=Category.OPTIMIZER,
    severity=Severity.ERROR,
    summary="Optimizer hyper-parameter out of range (momentum/beta >= 1, epsilon <= 0) or one optimizer shared by two models",
    rationale=(
        "Momentum, beta_1, beta_2 and rho are decay factors of running averages and must lie in [0, 1). At 1 "
        "the average never forgets (momentum: steps grow without bound) or Adam's bias correction divides by "
        "zero; above 1 it diverges. epsilon keeps the adaptive step finite where the gradient is 0: at 0 or "
        "below the step is NaN/inf. A Keras 3 optimizer builds its slots for the variables of the first model "
        "it trains and raises for any other model's variables, so two compiled models must not share one "
        "optimizer instance."
    ),
    fix=None,
    covers=(
        "`momentum`/`beta_1`/`beta_2`/`rho` outside [0, 1), `epsilon` ≤ 0, one optimizer instance compiled "
        "into two models (Keras 3 raises for the second model's variables)"
    ),
    severity_note="info for `epsilon=0`, warning for a shared optimizer",
    # scripts/measure_rule_claims.py more (Keras 3.15): SGD(momentum=1.5) raises ValueError, Adam(beta_1=1.0) gives
    # a NaN loss (errors); Adam(epsilon=0) trains exactly like the default (information); one optimizer in two
    # models raises "Unknown variable" at the second fit, but until names are read as objects (flow-aware model)
    # a rebound name can look shared, so that stays a warning.
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
                          loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="momentum in [0, 1)"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            models = []
            for units in (16, 32):
                opt = keras.optimizers.Adam(learning_rate=1e-3)
                model = keras.Sequential([keras.Input((8,)), layers.Dense(units, activation="relu"),
                                          layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer=opt, loss="binary_crossentropy")
                model.fit(x, y, epochs=10)
        """, note="a new optimizer built for each model in a loop"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            opt = keras.optimizers.Adam(learning_rate=1e-3)
            small = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            small.compile(optimizer=opt, loss="binary_crossentropy")
            small.fit(x, y, epochs=10)
            opt = keras.optimizers.Adam(learning_rate=1e-3)
            large = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            large.compile(optimizer=opt, loss="binary_crossentropy")
            large.fit(x, y, epochs=10)
        """, note="the name opt rebound to a new optimizer before the second model"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)

            def build(units):
                opt = keras.optimizers.Adam(learning_rate=1e-3)
                model = keras.Sequential([keras.Input((8,)), layers.Dense(units, activation="relu"),
                                          layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer=opt, loss="binary_crossentropy")
                return model

            small = build(16)
            small.fit(x, y, epochs=10)
            large = build(64)
            large.fit(x, y, epochs=10)
        """, note="a function that builds a new optimizer for each model it returns"),
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.cifar10.load_data()
            x_train = x_train / 255.0
            version = 2
            if version == 1:
                model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(16, 3, activation="relu"),
                                          layers.Flatten(), layers.Dense(10, activation="softmax")])
            else:
                model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(32, 3, activation="relu"),
                                          layers.GlobalAveragePooling2D(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="one compile of whichever model an if/else built (corpus: keras ResNet and YOLO scripts)"),
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
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=1.5), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="momentum=1.5 is outside [0, 1) for SGD"),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            opt = keras.optimizers.Adam(learning_rate=1e-3)
            small = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            small.compile(optimizer=opt, loss="binary_crossentropy")
            small.fit(x, y, epochs=10)
            large = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            large.compile(optimizer=opt, loss="binary_crossentropy")
            large.fit(x, y, epochs=10)
        """, message="the optimizer from line 7 is shared with model 'small': give each model its own", severity=Severity.WARNING),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3, epsilon=0.0), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="epsilon=0 for Adam", severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for view in optimizer_calls(program):
        fam = family(view.name)
        name = view.name.lower()
        positions: dict[str, int | None] = dict(MOMENTS.get(fam or "", {}))
        if name not in ("adam", "nadam", "adamax", "sgd", "rmsprop", "adadelta") or is_legacy(view, program):
            positions = {k: None for k in positions}  # AdamW, TF1 ...: other positional orders
        for arg_name, pos in positions.items():
            arg = view.arg(pos, arg_name)
            if arg is None:
                continue
            value = program.const(arg, view.index)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if 0 <= value < 1:
                continue
            why = WHY[arg_name] if value >= 1 else "the running average flips sign"
            yield rule.finding(ctx, view.placed, arg.value,
                               f"{arg_name}={value:g} is outside [0, 1) for {view.name}: {why}",
                               argument=arg_name, value=value)
        eps = view.arg(None, "epsilon")
        value = program.const(eps, view.index) if eps is not None else None
        if eps is not None and isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            yield rule.finding(ctx, view.placed, eps.value,
                               f"epsilon={value:g} for {view.name} gives NaN where a gradient is 0: keep the default 1e-7",
                               severity=Severity.ERROR if value < 0 else Severity.INFO, argument="epsilon", value=value)
    yield from _shared(rule, ctx)


def _shared(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """One optimizer object compiled into two models. Objects, not names: `opt = Adam()` built anew for
    each model (rebound, or in a builder called once per model) is a new optimizer each time; two
    compiles on different branches of an `if` never both run."""
    program = ctx.program
    first_user: dict[tuple[int, int], list[CompileInfo]] = {}
    compiles = sorted((c for m in program.models for c in m.compiles), key=lambda c: c.index)
    for c in compiles:
        opt = c.optimizer
        if opt is None or opt.call is None:
            continue  # a string builds a new optimizer at every compile
        users = first_user.setdefault(opt.identity, [])
        # one compile statement reached by several models (a name bound on the arms of an `if`) compiles
        # whichever one the name holds: alternatives, not two models sharing the optimizer
        other = next((u for u in users if u.model is not c.model and u.index != c.index and
                      not exclusive(program.stmts[u.index].branch, program.stmts[c.index].branch)), None)
        users.append(c)
        other_model = other.model if other is not None else None
        if c.model is None or other_model is None:  # (a model's compiles always know their model)
            continue
        if not (_trained(program, c.model) and _trained(program, other_model)):
            continue  # compile alone builds nothing: the GAN idiom (a generator compiled, never trained alone)
        compile_call = c.call
        arg = compile_call.arg(0, "optimizer")
        where = program.context(c.index)
        yield rule.finding(
            ctx, compile_call.placed, arg.value if arg is not None else compile_call.node,
            f"the optimizer from line {opt.placed.span(opt.node).line} is shared with model '{other_model.var}'"
            f"{' ' + where if where else ''}: give each model its own",
            severity=Severity.WARNING, related=[(opt.placed, opt.node, "the shared optimizer")],
        )


def _trained(program: Program, model: ModelInfo) -> bool:
    """Whether the program trains this model object (fit, fit_generator, train_on_batch); a model that is only
    compiled never builds its optimizer's slots. Unknown receivers count as trained."""
    obj = model.obj
    if any(f.method in TRAINING_METHODS for f in obj.fits):
        return True
    for stmt, call in program.calls_by_method.get("train_on_batch", []):
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        if not isinstance(receiver, cst.Name):
            return True
        if any(m.obj is obj for m in program.models_at(receiver.value, stmt.index)):
            return True
    return False
