"""LRN603: `validation_split` on data ordered by class: the validation set is the last class only."""

from __future__ import annotations

from learnability.analysis.data import describe
from learnability.findings import Category, Severity
from learnability.rules._helpers import fits
from learnability.rules.base import Context, Rule, register


@register(
    id="LRN603",
    name="validation-split-ordered-data",
    category=Category.DATA,
    severity=Severity.WARNING,
    summary="validation_split on data ordered by class (no shuffle before fit)",
    rationale=(
        "fit(validation_split=f) takes the LAST fraction f of the arrays as validation data, before any "
        "shuffling; shuffle=True only shuffles the training part, after the split. When the samples are "
        "stored class by class (concatenated blocks, [0]*n + [1]*n, np.repeat(np.arange(k), n)), the "
        "validation set holds only the last class(es) and training never sees them: validation accuracy "
        "is meaningless and the model learns a partial problem. Shuffle the arrays together first "
        "(p = np.random.permutation(len(y)); X, y = X[p], y[p]) or use train_test_split."
    ),
    fix=None,
    examples=("model.fit(X, np.array([0]*500 + [1]*500), validation_split=0.2)",
              "p = np.random.permutation(len(y)); model.fit(X[p], y[p], validation_split=0.2)"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    for _model, fit in fits(program):
        split = fit.validation_split
        if fit.y is None or not isinstance(split, (int, float)) or isinstance(split, bool) or not 0 < split < 1:
            continue
        info = describe(program, fit.y, fit.call.index)
        if not info.ordered_blocks:
            continue
        classes = ""
        if info.n_classes and info.n_samples and info.n_classes > 1:
            per = info.n_samples / info.n_classes
            held = split * info.n_samples
            if held <= per:
                classes = " (with equal blocks it holds only the last class)"
        arg = fit.call.arg(6, "validation_split")
        related = []
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, "the labels are built class by class here"))
        yield rule.finding(
            ctx, fit.call.placed, arg.value if arg is not None else fit.call.node,
            f"validation_split={split:g} takes the last {split:.0%} of the samples before any shuffling, and the "
            f"labels are ordered by class{classes}: the validation set misses classes and training misses them "
            "too (shuffle=True does not help); shuffle X and y together before fit",
            related=related,
        )
