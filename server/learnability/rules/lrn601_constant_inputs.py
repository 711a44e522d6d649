"""LRN601: the inputs given to `fit` are constant: every sample is the same."""

from __future__ import annotations

from learnability.analysis.data import describe
from learnability.findings import Category, Severity
from learnability.rules._helpers import fits
from learnability.rules.base import Context, Rule, register


@register(
    id="LRN601",
    name="constant-inputs",
    category=Category.DATA,
    severity=Severity.ERROR,
    summary="Constant inputs: every sample is identical",
    rationale=(
        "When every input is the same array (np.ones, np.zeros, np.full), the network computes the same "
        "output for every sample. The best it can do is predict the label frequencies: accuracy stays at the "
        "majority-class rate and the loss at the label entropy (0.693 for two balanced classes), whatever "
        "the architecture or learning rate."
    ),
    fix=None,
    examples=("X = np.ones((100, 32, 32, 3))", "X = load_images(...)  # real, varying inputs"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    for _model, fit in fits(program):
        if fit.x is None:
            continue
        info = describe(program, fit.x, fit.call.index)
        if not info.constant:
            continue
        related = []
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, "the constant inputs are made here"))
        value = f" (all {info.low:g})" if info.low is not None else ""
        yield rule.finding(
            ctx, fit.call.placed, fit.x,
            f"inputs are constant{value}: every sample is identical, so the model cannot tell the classes "
            "apart and will stay at chance",
            related=related,
        )
