"""LRN302: a learning rate so small that the weights barely move."""

from __future__ import annotations

from learnability.findings import Category, Severity
from learnability.rules._helpers import number_text
from learnability.rules._optim import family, optimizers, rate_anchor, rate_fix, rate_sweep
from learnability.rules.base import Context, Rule, register

SAFE_RATE = {"sgd": 0.01, "adadelta": 1.0}
DEFAULT_SAFE = 1e-3


@register(
    id="LRN302",
    name="learning-rate-too-low",
    category=Category.LEARNING_RATE,
    severity=Severity.WARNING,
    summary="Learning rate below 1e-6 (or zero/negative): the weights barely move",
    rationale=(
        "A step changes each weight by about learning_rate (adaptive optimizers) or learning_rate times the "
        "gradient (SGD). Below 1e-6 a weight of typical size 0.05 needs tens of thousands of steps to change "
        "noticeably: the loss stays flat and the run looks stuck. A rate of 0 never moves; a negative rate "
        "climbs the loss. A positive rate written after the program's own learning-rate sweep (a "
        "LearningRateScheduler whose rate rises geometrically with the epoch, or a learning-rate finder) was read "
        "off the loss curve for this model and data, and is not reported. Threshold: lr_min."
    ),
    fix="Set the rate to the optimizer's usual default (1e-3 for adaptive optimizers, 1e-2 for SGD).",
    examples=("Adam(learning_rate=1e-8)", "Adam(learning_rate=1e-3)"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    limit = ctx.config.threshold("lr_min")
    for opt in optimizers(program):
        fam = family(opt.kind)
        if fam is None or opt.lr_default or opt.learning_rate is None or opt.learning_rate >= limit:
            continue
        lr = opt.learning_rate
        safe = SAFE_RATE.get(fam, DEFAULT_SAFE)
        fix = rate_fix(ctx, opt, safe)
        anchor = rate_anchor(opt)
        if lr <= 0:
            what = "zero: the weights never move" if lr == 0 else "negative: every step climbs the loss"
            message = f"learning rate {lr:g} is {what}; use {number_text(safe)}"
            severity = Severity.ERROR
        elif rate_sweep(program, opt.index) is not None:
            continue  # the rate was read off the program's own learning-rate sweep: it suits this model and data
        else:
            message = (f"learning rate {lr:g} is below {limit:g} for {opt.kind}: each step barely moves the weights, "
                       f"so the loss stays flat; try {number_text(safe)}")
            severity = None
        yield rule.finding(ctx, opt.placed, anchor, message, fix=fix, severity=severity,
                           learning_rate=lr, suggested=safe, optimizer=opt.kind)
