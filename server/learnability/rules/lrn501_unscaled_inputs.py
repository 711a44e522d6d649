"""LRN501: inputs reach `fit` with a large range and no scaling on the way."""

from __future__ import annotations

import libcst as cst

from learnability.analysis.data import describe
from learnability.findings import Category, Fix, Severity
from learnability.rules._helpers import fits, layer_prefix, starts_with_scaling
from learnability.rules.base import Context, Rule, register


@register(
    id="LRN501",
    name="unscaled-inputs",
    category=Category.PREPROCESSING,
    severity=Severity.WARNING,
    summary="Inputs reach fit unscaled (pixels 0-255, X * 100)",
    rationale=(
        "Initialisers (Glorot, He) assume inputs of unit scale. Inputs in 0-255 make the first layer's "
        "pre-activations hundreds of times too large: sigmoid/tanh units saturate at once, ReLU nets take "
        "huge first steps, and the first layer's gradient is scaled by the input, so one learning rate cannot "
        "suit every layer. Divide by the maximum (x / 255.0), standardise, or start the model with Rescaling."
    ),
    fix="Divide the array at the fit call by its maximum (or add a first Rescaling(1/255) layer for datasets).",
    examples=("model.fit(x_train, y_train)  # uint8 pixels", "model.fit(x_train / 255.0, y_train)"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    limit = ctx.config.threshold("input_max_abs")
    for model, fit in fits(program):
        if fit.x is None or starts_with_scaling(model):
            continue
        info = describe(program, fit.x, fit.call.index)
        if info.scaled or info.max_abs is None or info.max_abs <= limit or info.constant:
            continue
        peak = info.max_abs
        divisor = "255.0" if peak == 255 else f"{peak:g}" + ("" if "." in f"{peak:g}" or "e" in f"{peak:g}" else ".0")
        fix = None
        if info.source == "image_directory":
            prefix = layer_prefix(program)
            if prefix is not None and model.list_node is not None and model.list_node.elements:
                first = model.list_node.elements[0].value
                fix = Fix("Add a first Rescaling(1.0 / 255) layer",
                          (ctx.insert_before(model.call.placed, first, f"{prefix}Rescaling(1.0 / 255), "),))
        else:
            x = fit.x
            left = x
            if not isinstance(x, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
                left = x.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            new = cst.BinaryOperation(left=left, operator=cst.Divide(), right=cst.Float(divisor))
            fix = Fix(f"Divide the inputs by {divisor}", (ctx.replace(fit.call.placed, x, new),))
        origin = ""
        if info.origin is not None and info.origin.placed is not None:
            origin = f" (made on line {info.origin.placed.span(info.origin.raw.node).line})"
        how = f"{info.dataset} pixels" if info.dataset else ("image files" if info.source == "image_directory" else "values")
        related = []
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, f"the inputs are made here: {how} up to {peak:g}"))
        yield rule.finding(
            ctx, fit.call.placed, fit.x,
            f"inputs reach fit unscaled: {how} up to {peak:g}{origin}; large inputs saturate the first layer "
            f"and distort its gradients; divide by {divisor} or add a Rescaling layer",
            fix=fix, related=related, max_abs=peak, source=info.source,
        )
