"""LRN101: a saturating activation (sigmoid, tanh, ...) in a convolutional or hidden layer."""

from __future__ import annotations

from learnability.findings import Category, Fix, Severity
from learnability.rules._helpers import SATURATING, is_conv, with_name_tail, with_string_value
from learnability.rules.base import Context, Rule, register

import libcst as cst


@register(
    id="LRN101",
    name="saturating-hidden-activation",
    category=Category.ACTIVATION,
    severity=Severity.WARNING,
    summary="Saturating activation (sigmoid/tanh) in a convolutional or hidden layer",
    rationale=(
        "sigmoid, tanh, hard_sigmoid and softsign flatten out for large |x|: their derivative is at most "
        "0.25 (sigmoid) and near 0 once a unit saturates. Stacked in conv or hidden layers, the gradient "
        "reaching the first layers shrinks layer after layer (vanishing gradients), and unscaled inputs "
        "saturate them from the first step. ReLU (or GELU/ELU) keeps a gradient of 1 for positive inputs."
    ),
    fix="Use activation='relu' in the layer (or the Activation layer that follows it).",
    examples=("Conv2D(32, 3, activation='sigmoid')", "Conv2D(32, 3, activation='relu')"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    for model in program.models:
        output = model.output_layer
        for i, layer in enumerate(model.layers):
            if layer is output or not (is_conv(layer) or layer.kind == "Dense"):
                continue
            act, source, arg = program.effective_activation(model, i)
            if act not in SATURATING:
                continue
            if source is output:
                continue
            fix = None
            if arg is not None:
                value = arg.value
                new = with_string_value(value, "relu") if isinstance(value, cst.SimpleString) else with_name_tail(value, "relu", program)
                fix = Fix("Use 'relu' instead of '%s'" % act, (ctx.replace(source.call.placed, value, new),))
            where = "convolutional" if is_conv(layer) else "hidden Dense"
            yield rule.finding(
                ctx, source.call.placed, arg.value if arg is not None else source.call.node,
                f"'{act}' in a {where} layer ({layer.kind}) saturates: its gradient vanishes for large inputs "
                "and shrinks through every layer; use 'relu'",
                fix=fix,
                severity=Severity.WARNING if is_conv(layer) else Severity.INFO,
                layer=layer.kind, activation=act,
            )
