"""LRN301: a learning rate far above what the optimizer tolerates."""

from __future__ import annotations

import libcst as cst

from learnability.findings import Category, Fix, Severity
from learnability.rules._helpers import number_text
from learnability.rules.base import Context, Rule, register

SAFE_RATE = {"sgd": 0.01}
DEFAULT_SAFE = 1e-3


def lr_literal(ctx: Context, opt):
    """The node holding the rate's literal, and its chunk: the argument itself, or the constant a name
    refers to (lr = 0.1 ... Adam(learning_rate=lr))."""
    program = ctx.program
    node, placed = opt.lr_arg.value, opt.placed
    index = opt.index
    for _ in range(5):
        if isinstance(node, cst.Name):
            value, stmt = program.value_of(node.value, index)
            if value is None or stmt is None:
                return None
            node, placed, index = value, stmt.placed, stmt.index
            continue
        break
    if isinstance(node, (cst.Integer, cst.Float, cst.UnaryOperation, cst.BinaryOperation)):
        return node, placed
    return None


@register(
    id="LRN301",
    name="learning-rate-too-high",
    category=Category.LEARNING_RATE,
    severity=Severity.WARNING,
    summary="Learning rate far too high for the optimizer",
    rationale=(
        "Each step moves the weights by about learning_rate times the (normalised) gradient. Adaptive "
        "optimizers (Adam, RMSprop, ...) normalise the step, so a rate of 0.1 moves every weight by ~0.1 per "
        "step: the loss jumps out of the basin, ReLUs die and the output saturates; the model sits at chance "
        "(loss ~ log C). Typical rates: 1e-3 for Adam/RMSprop, 1e-2 for SGD."
    ),
    fix="Set the rate to the optimizer's usual default (1e-3 for adaptive optimizers, 1e-2 for SGD).",
    examples=("Adam(learning_rate=0.1)", "Adam(learning_rate=1e-3)"),
)
def check(rule: Rule, ctx: Context):
    seen = set()
    for model in ctx.program.models:
        opt = model.compile.optimizer if model.compile else None
        if opt is None or opt.lr_default or opt.learning_rate is None or id(opt.node) in seen:
            continue
        seen.add(id(opt.node))
        limit = ctx.config.threshold("lr_max_sgd" if opt.kind == "sgd" else "lr_max_adaptive")
        if opt.learning_rate <= limit:
            continue
        safe = SAFE_RATE.get(opt.kind, DEFAULT_SAFE)
        fix = None
        target = lr_literal(ctx, opt) if opt.lr_arg is not None and opt.schedule is None else None
        if target is not None:
            node, placed = target
            fix = Fix(f"Set the learning rate to {number_text(safe)}", (ctx.replace(placed, node, number_text(safe)),))
        anchor = opt.lr_arg.value if opt.lr_arg is not None else opt.node
        yield rule.finding(
            ctx, opt.placed, anchor,
            f"learning rate {opt.learning_rate:g} is above {limit:g} for {opt.kind}: updates overshoot and "
            f"training stalls or diverges; try {number_text(safe)}",
            fix=fix, learning_rate=opt.learning_rate, suggested=safe, optimizer=opt.kind,
        )
