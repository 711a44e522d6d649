"""LRN301: a learning rate far above what the optimizer tolerates."""

from __future__ import annotations

from learnability.findings import Category, Severity
from learnability.rules._helpers import number_text
from learnability.rules._optim import family, optimizers, rate_anchor, rate_fix
from learnability.rules.base import Context, Rule, register

SAFE_RATE = {"sgd": 0.01, "adadelta": 1.0, "adagrad": 0.01, "ftrl": 0.01}
DEFAULT_SAFE = 1e-3
LIMIT_KEY = {"sgd": "lr_max_sgd", "adadelta": "lr_max_adadelta", "adagrad": "lr_max_adagrad", "ftrl": "lr_max_adagrad"}


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
        "(loss ~ log C). Typical rates: 1e-3 for Adam/RMSprop, 1e-2 for SGD (up to 0.1 with momentum), "
        "1.0 for Adadelta, 0.01-0.2 for Adagrad/Ftrl. Thresholds: lr_max_adaptive, lr_max_sgd, lr_max_adadelta, "
        "lr_max_adagrad."
    ),
    fix="Set the rate to the optimizer's usual default (1e-3 for adaptive optimizers, 1e-2 for SGD).",
    examples=("Adam(learning_rate=0.1)", "Adam(learning_rate=1e-3)"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    for opt in optimizers(program):
        fam = family(opt.kind)
        if fam is None or opt.lr_default or opt.learning_rate is None:
            continue
        limit = ctx.config.threshold(LIMIT_KEY.get(fam, "lr_max_adaptive"))
        if opt.learning_rate <= limit:
            continue
        safe = SAFE_RATE.get(fam, DEFAULT_SAFE)
        fix = rate_fix(ctx, opt, safe)
        anchor = rate_anchor(opt)
        where = f" (initial rate of {opt.schedule})" if opt.schedule else ""
        yield rule.finding(
            ctx, opt.placed, anchor,
            f"learning rate {opt.learning_rate:g}{where} is above {limit:g} for {opt.kind}: updates overshoot and "
            f"training stalls or diverges; try {number_text(safe)}",
            fix=fix, learning_rate=opt.learning_rate, suggested=safe, optimizer=opt.kind,
        )
