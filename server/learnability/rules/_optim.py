"""Optimizers wherever they are built, and the pieces the learning-rate / optimizer / api rules share."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from learnability.analysis.calls import find_calls
from learnability.analysis.chunks import PlacedChunk
from learnability.analysis.program import CallView, OptimizerInfo, Program
from learnability.analysis.semantic import RawStmt, Stmt
from learnability.findings import Fix
from learnability.rules._helpers import number_text
from learnability.rules.base import Context

OPTIMIZER_PREFIXES = ("keras.optimizers.", "tensorflow.optimizers.", "tensorflow.train.", "tensorflow.compat.v1.train.")
# lower-case class name (without "Optimizer") -> family used for thresholds and defaults
FAMILIES = {
    "sgd": "sgd", "gradientdescent": "sgd", "momentum": "sgd",
    "adam": "adam", "adamw": "adam", "adamax": "adam", "nadam": "adam", "amsgrad": "adam", "lamb": "adam",
    "lion": "adam", "rmsprop": "rmsprop", "adagrad": "adagrad", "proximaladagrad": "adagrad", "ftrl": "ftrl",
    "adadelta": "adadelta", "adafactor": "adafactor",
}
SCHEDULE_HINTS = ("schedules", "Decay", "Schedule", "Warmup")
# the class names as written, to find constructor calls cheaply (the qualified name is checked after)
OPTIMIZER_NAMES = frozenset(
    """SGD Adam AdamW Adamax Nadam RMSprop Adagrad Adadelta Ftrl Lion Lamb Adafactor GradientDescentOptimizer
    MomentumOptimizer AdamOptimizer RMSPropOptimizer AdagradOptimizer AdadeltaOptimizer FtrlOptimizer
    ProximalAdagradOptimizer""".split()
)


def family(kind: str) -> str | None:
    return FAMILIES.get(kind.lower().replace("optimizer", "").replace("_", ""))


def is_optimizer_call(view: CallView) -> bool:
    q = view.qualname or ""
    if not q.startswith(OPTIMIZER_PREFIXES) or any(h in q for h in SCHEDULE_HINTS):
        return False
    if q.startswith(("tensorflow.train.", "tensorflow.compat.v1.train.")) and not q.endswith("Optimizer"):
        return False
    return family(view.name) is not None


def uses_keras2_package(program: Program) -> bool:
    """The file imports tf_keras (Keras 2 kept alive): Keras 2 arguments are right there."""
    return any(q == "tf_keras" or q.startswith("tf_keras.") for q in program.aliases.values())


def is_legacy(view: CallView, program: Program) -> bool:
    """tf.keras.optimizers.legacy.*, tf.compat.v1 / tf.train optimizers and tf_keras take Keras 2 / TF 1 arguments."""
    q = view.qualname or ""
    return ".legacy." in q or "compat.v1" in q or q.startswith("tensorflow.train.") or uses_keras2_package(program)


def optimizer_calls(program: Program) -> Iterator[CallView]:
    for view in find_calls(program, OPTIMIZER_NAMES):
        if is_optimizer_call(view):
            yield view


def optimizers(program: Program) -> list[OptimizerInfo]:
    """Every optimizer the program builds: those given to compile (strings included) and
    constructor calls elsewhere (custom training loops). One entry per constructor call and rate: a call in
    a function analysed per call, or in an unrolled loop, can build optimizers with different rates."""
    cached: list[OptimizerInfo] | None = program.__dict__.get("_a2_optimizers")
    if cached is not None:
        return cached
    out: list[OptimizerInfo] = []
    seen: set[tuple[int, float | None, str | None]] = set()
    built: set[int] = set()
    for model in program.models:
        for c in model.compiles:
            opt = c.optimizer
            if opt is None:
                continue
            built.add(id(opt.node))
            key = (id(opt.node), opt.learning_rate, opt.schedule)
            if key not in seen:
                seen.add(key)
                out.append(opt)
    for view in optimizer_calls(program):
        if id(view.node) in built:
            continue
        stmt = Stmt(view.index, RawStmt("expr", view.node, view.node), view.placed)
        if 0 <= view.index < len(program.stmts):
            stmt.eval_scope, stmt.branch = program.stmts[view.index].eval_scope, program.stmts[view.index].branch
        info = program.optimizer(view.node, stmt)
        if info is None:
            continue
        key = (id(info.node), info.learning_rate, info.schedule)
        if key not in seen:
            seen.add(key)
            out.append(info)
    program.__dict__["_a2_optimizers"] = out
    return out


def lr_literal(program: Program, opt: OptimizerInfo) -> tuple[cst.BaseExpression, PlacedChunk] | None:
    """The literal that sets the rate, and its chunk: the argument itself, the constant a name refers to
    (lr = 0.1 ... Adam(learning_rate=lr)), or the initial rate of a schedule (ExponentialDecay(0.1, ...))."""
    if opt.lr_arg is None:
        return None
    node: cst.BaseExpression = opt.lr_arg.value
    placed, index = opt.placed, opt.index
    for _ in range(8):
        if isinstance(node, cst.Name):
            value, stmt = program.value_of(node.value, index)
            if value is None or stmt is None:
                return None
            node, placed, index = value, stmt.placed, stmt.index
            continue
        if isinstance(node, cst.Call):
            q = program.qualname(node.func) or ""
            if not any(h in q for h in SCHEDULE_HINTS):
                return None
            view = CallView(node, q, index, placed)
            init = view.arg(0, "initial_learning_rate", "learning_rate")
            if init is None:
                return None
            node = init.value
            continue
        break
    if isinstance(node, (cst.Integer, cst.Float, cst.UnaryOperation, cst.BinaryOperation)):
        return node, placed
    return None


def rate_fix(ctx: Context, opt: OptimizerInfo, rate: float) -> Fix | None:
    """Set the literal behind the optimizer's rate (`lr_literal`) to `rate`; None when there is none."""
    target = lr_literal(ctx.program, opt)
    if target is None:
        return None
    node, placed = target
    return Fix(f"Set the learning rate to {number_text(rate)}", (ctx.replace(placed, node, number_text(rate)),))


def rate_anchor(opt: OptimizerInfo) -> cst.CSTNode:
    """Where a learning-rate finding points: the rate argument, or the optimizer when the rate is implicit."""
    return opt.lr_arg.value if opt.lr_arg is not None else opt.node


def optimizers_prefix(program: Program) -> str | None:
    """How this file can spell `keras.optimizers.`: `keras.optimizers.`, `tf.keras.optimizers.`,
    `optimizers.`...; None when nothing imported reaches it."""
    for local, qual in program.aliases.items():
        if qual in ("keras.optimizers", "tensorflow.keras.optimizers"):
            return f"{local}."
    for local, qual in program.aliases.items():
        if qual in ("keras", "tensorflow.keras"):
            return f"{local}.optimizers."
    for local, qual in program.aliases.items():
        if qual == "tensorflow":
            return f"{local}.keras.optimizers."
    return None


def without_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    """`call` with `arg` removed, commas kept tidy (the new last argument takes the removed one's comma)."""
    args = [a for a in call.args if a is not arg]
    if args and call.args and call.args[-1] is arg:
        args[-1] = args[-1].with_changes(comma=arg.comma)
    return call.with_changes(args=args)


def literal_behind(program: Program, node: cst.BaseExpression, placed: PlacedChunk, index: int
                   ) -> tuple[cst.BaseExpression, PlacedChunk] | None:
    """The number literal a value comes from, and its chunk: the node itself, or the constant a name
    refers to (EPOCHS = 1 ... fit(epochs=EPOCHS)); None when it is computed."""
    for _ in range(8):
        if not isinstance(node, cst.Name):
            break
        value, stmt = program.value_of(node.value, index)
        if value is None or stmt is None:
            return None
        node, placed, index = value, stmt.placed, stmt.index
    if isinstance(node, (cst.Integer, cst.Float)) or (isinstance(node, cst.UnaryOperation)
                                                      and isinstance(node.expression, (cst.Integer, cst.Float))):
        return node, placed
    return None


_FINDER_NAMES = frozenset({"LRFinder", "LearningRateFinder", "LRRangeTest", "lr_finder", "find_lr"})


def _grows_with(node: cst.CSTNode, names: set[str] | None, program: Program, index: int) -> bool:
    """`base ** f(x)` with base > 1 somewhere in `node`, x one of `names` (None: any name): a rate that
    rises geometrically with the epoch."""
    found: list[bool] = []

    class Powers(cst.CSTVisitor):
        def visit_BinaryOperation(self, op: cst.BinaryOperation) -> None:
            if isinstance(op.operator, cst.Power):
                base = program.const(op.left, index)
                used: set[str] = set()
                op.right.visit(_NameSet(used))
                if (isinstance(base, (int, float)) and not isinstance(base, bool) and base > 1
                        and (used & names if names is not None else used)):
                    found.append(True)

    node.visit(Powers())
    return bool(found)


class _NameSet(cst.CSTVisitor):
    def __init__(self, out: set[str]) -> None:
        self.out = out

    def visit_Name(self, node: cst.Name) -> None:
        self.out.add(node.value)


def rate_sweep(program: Program, index: int) -> CallView | None:
    """A learning-rate range test run before statement `index`: a LearningRateScheduler whose rate rises
    geometrically with the epoch (`lambda epoch: 1e-8 * 10 ** (epoch / 20)`, the usual LR finder), or a
    learning-rate finder callback. A rate written after one was read off its loss curve."""
    for view in find_calls(program, {"LearningRateScheduler"} | _FINDER_NAMES):
        if view.index >= index:
            continue
        if view.name in _FINDER_NAMES:
            return view
        arg = view.arg(0, "schedule")
        if arg is None:
            continue
        schedule = arg.value
        if isinstance(schedule, cst.Lambda):
            params = {p.name.value for p in schedule.params.params}
            if _grows_with(schedule.body, params, program, view.index):
                return view
        elif isinstance(schedule, cst.Name):  # def sweep(epoch): return 1e-8 * 10 ** (epoch / 20)
            for stmt in program.stmts:
                if (stmt.raw.kind == "return" and stmt.raw.func == schedule.value and stmt.raw.value is not None
                        and _grows_with(stmt.raw.value, None, program, stmt.index)):
                    return view
    return None
