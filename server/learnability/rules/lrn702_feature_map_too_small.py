"""LRN702: a feature map smaller than a kernel or pool size."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.program import ModelInfo
from learnability.analysis.shapes import find_too_small
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import first_per_key
from learnability.rules.base import Context, Invalid, Rule, Valid, register


def _size(dims: tuple[int | None, ...]) -> str:
    return "x".join(str(d) if d is not None else "?" for d in dims)


@register(
    id="LRN702",
    name="feature-map-too-small",
    category=Category.LAYERS,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py claims: a 5x5 kernel on a 3x3 map fails when the model is built (error).
    summary="Feature map smaller than a kernel or pool size",
    rationale=(
        "Every 'valid' convolution shrinks the feature map by kernel - 1 and every pooling or stride divides it. "
        "Once the map is smaller than the next kernel or pool window, that layer has no valid position: Keras "
        "refuses to build the model (a negative or zero output size). The sizes are traced from the declared "
        "input shape through every kernel, stride, padding, pooling, upsampling and cropping."
    ),
    fix=None,
    covers=(
        "Feature map smaller than a kernel or pool window, traced from the input shape through kernels, "
        "strides, padding (Keras 1/2 spellings too)"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(64, 28, 28, 1)
            y = np.arange(64) % 10
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"),
                                      layers.MaxPooling2D(), layers.Conv2D(32, 3, activation="relu"),
                                      layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
        """, note="28 -> 26 -> 13 -> 11 -> 5: every window fits"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(64, 8, 8, 1)
            y = np.arange(64) % 10
            model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(16, 3, activation="relu"),
                                      layers.MaxPooling2D(), layers.Conv2D(32, 5, activation="relu"),
                                      layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
        """, message="the feature map reaching this Conv2D is 3x3"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    yield from first_per_key(ctx.each_model(rule, program.models, lambda model: _model(rule, ctx, model)))


def _model(rule: Rule, ctx: Context, model: ModelInfo) -> Iterator[tuple[int, Finding]]:
    found = find_too_small(ctx.program, model)
    if found is None:
        return
    layer = found.layer
    label = {"kernel": "kernel", "pool": "pool window", "cropping": "cropping"}[found.what]
    yield id(layer.call.node), rule.finding(
        ctx, layer.call.placed, layer.call.node,
        f"the feature map reaching this {layer.kind} is {_size(found.dims)}, smaller than its "
        f"{_size(found.window)} {label}: use padding='same'",
        size=list(found.dims), window=list(found.window),
    )
