"""LRN102: softmax over a single unit: it always outputs 1.0."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import CONV_LAYERS, ModelInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import first_per_key, with_string_value
from learnability.rules._outputs import (
    class_count,
    final_activation,
    labels_of,
    units_arg,
    units_change_is_safe,
    units_of,
)
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN102",
    name="softmax-on-one-unit",
    category=Category.ACTIVATION,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py claims: accuracy stays at the positive share while the loss falls (error).
    summary="softmax on a 1-unit layer: it always outputs 1.0",
    rationale=(
        "softmax normalises exp(z_i) over the units of the last axis. Over a single unit that is "
        "exp(z) / exp(z) = 1.0 for every input: the prediction never changes and its gradient is zero. Keras "
        "(TensorFlow backend) may compute the loss from the logits, so the loss can even fall while every "
        "prediction stays 1.0 and accuracy stays at the share of the positive class (measured: loss 0.69 -> "
        "0.03, accuracy 0.50 throughout). A single output unit for a binary problem needs sigmoid (with "
        "binary_crossentropy); softmax needs one unit per class."
    ),
    fix="Use activation='sigmoid' on the 1-unit layer; when the labels have more classes, one unit per class.",
    covers="`softmax` on a 1-unit layer always outputs 1.0: constant prediction, zero gradient",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=10)
        """, note="one sigmoid unit for a binary problem"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=10)
        """, note="softmax over one unit per class"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="softmax")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=10)
        """, message="softmax on the one unit of Dense(1) always outputs 1.0: use sigmoid", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(1, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
        """, message="softmax on the one unit of Dense(1) always outputs 1.0: use Dense(10) for the 10 classes", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x_train, y_train, epochs=5)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from first_per_key(ctx.each_model(rule, ctx.program.models, lambda model: _one(rule, ctx, model)))


def _one(rule: Rule, ctx: Context, model: ModelInfo) -> Iterator[tuple[int, Finding]]:
    program = ctx.program
    for i, layer in enumerate(model.layers):
        if not (layer.kind == "Dense" or layer.kind in CONV_LAYERS):
            continue
        if units_of(program, layer) != 1:
            continue
        act, source, arg = final_activation(program, model, i)
        if act != "softmax":
            continue
        if source.kind == "Softmax" and source.arg(0, "axis") is not None and \
                program.const(source.arg(0, "axis"), source.call.index) != -1:
            continue  # a softmax over another axis (spatial softmax) is fine
        if any(source.position >= p > i for p in model.opaque):
            continue
        fix = None
        n = class_count(labels_of(program, model)) if layer is model.output_layer else None
        units = units_arg(layer)
        if n is not None and n > 2:
            # a multi-class problem: the unit count is wrong, not the activation
            advice = f"use {layer.kind}({n}) for the {n} classes"
            if units is not None and isinstance(units.value, cst.Integer):
                fix = Fix(f"Use {n} units", (ctx.replace(layer.call.placed, units.value, str(n)),),
                          safe=units_change_is_safe(program, layer, n))
        elif arg is not None and isinstance(arg.value, (cst.SimpleString, cst.Attribute)):
            value = arg.value
            new = with_string_value(value, "sigmoid") if isinstance(value, cst.SimpleString) \
                else value.with_changes(attr=cst.Name("sigmoid"))
            fix = Fix("Use 'sigmoid' instead of 'softmax'", (ctx.replace(source.call.placed, value, new),))
        if n is None or n <= 2:
            advice = "use sigmoid"
        anchor = arg.value if arg is not None else source.call.node
        related = []
        if source is not layer:
            related.append((layer.call.placed, layer.call.node, f"this {layer.kind} layer has 1 unit"))
        yield id(layer.call.node), rule.finding(
            ctx, source.call.placed, anchor,
            f"softmax on the one unit of {layer.kind}(1) always outputs 1.0: {advice}",
            fix=fix, related=related, layer=layer.kind,
        )
