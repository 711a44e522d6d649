"""LRN702: a feature map smaller than a kernel or pool size."""

from __future__ import annotations

from learnability.analysis.shapes import find_too_small
from learnability.findings import Category, Severity
from learnability.rules.base import Context, Rule, register


def _size(dims) -> str:
    return "x".join(str(d) if d is not None else "?" for d in dims)


@register(
    id="LRN702",
    name="feature-map-too-small",
    category=Category.LAYERS,
    severity=Severity.ERROR,
    summary="Feature map smaller than a kernel or pool size",
    rationale=(
        "Every 'valid' convolution shrinks the feature map by kernel - 1 and every pooling or stride divides it. "
        "Once the map is smaller than the next kernel or pool window, that layer has no valid position: Keras "
        "refuses to build the model (a negative or zero output size). The sizes are traced from the declared "
        "input shape through every kernel, stride, padding, pooling, upsampling and cropping."
    ),
    fix=None,
    examples=("Input((8, 8, 1)), Conv2D(8, 3), MaxPooling2D(), Conv2D(8, 5)  # 3x3 map, 5x5 kernel",
              "Input((8, 8, 1)), Conv2D(8, 3, padding='same'), MaxPooling2D(), Conv2D(8, 3)  # 4x4 map, 3x3 kernel"),
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    seen: set[int] = set()
    for model in program.models:
        found = find_too_small(program, model)
        if found is None or id(found.layer.call.node) in seen:
            continue
        seen.add(id(found.layer.call.node))
        layer = found.layer
        label = {"kernel": "kernel", "pool": "pool window", "cropping": "cropping"}[found.what]
        if found.what == "cropping":
            tail = "nothing is left of the map"
        else:
            tail = "the layer has no valid position and the model cannot be built"
        yield rule.finding(
            ctx, layer.call.placed, layer.call.node,
            f"the feature map reaching this {layer.kind} is {_size(found.dims)} (from a {_size(found.input_dims)} "
            f"input), smaller than its {_size(found.window)} {label}: {tail}; use padding='same', fewer "
            "pooling/stride steps, or a larger input",
            size=list(found.dims), window=list(found.window),
        )
