"""LRN801: a constant or zero kernel initialiser in a hidden layer: every unit starts as a copy of the others."""

from __future__ import annotations

import libcst as cst

from learnability.findings import Category, Fix, Severity
from learnability.rules._helpers import with_string_value
from learnability.rules._init import kernel_init, kernel_layer
from learnability.rules.base import Context, Invalid, Rule, Valid, register

RELU_LIKE = frozenset({"relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "prelu", "mish"})


@register(
    id="LRN801",
    name="constant-kernel-initializer",
    category=Category.INITIALIZATION,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py more: a zeros kernel before relu stays at the majority class (error); before tanh
    # it trains (0.78) with identical units (warning).
    summary="Constant or zero kernel initialiser in a hidden layer: symmetry is never broken",
    rationale=(
        "With a constant kernel every unit of the layer computes the same function of the input and, "
        "fed the same inputs, gets almost the same update: the units stay copies of one another, so a "
        "layer of 128 units behaves like a handful. A zero kernel with ReLU is worse: every pre-activation "
        "is 0, ReLU's gradient at 0 is 0, and the layer never changes (nor passes any signal on). Random "
        "initialisers (glorot_uniform, the Keras default; he_normal for ReLU) break the symmetry. Zero-"
        "initialising the output layer alone is harmless and is not reported."
    ),
    fix="Use kernel_initializer='he_normal' (ReLU family) or 'glorot_uniform' (the Keras default).",
    covers=(
        "Constant or zero kernel initialiser in a hidden layer (`'zeros'`, `Constant(...)`, "
        "`tf.zeros_initializer()`, Keras 2 `init='zero'`); the output layer is left alone"
    ),
    severity_note="error: zero kernel with relu",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
                                      layers.Dense(1, activation="sigmoid", kernel_initializer="zeros")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="zeros in the output layer only (a common, harmless choice)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu", kernel_initializer="zeros"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dense starts with all-zero weights and relu", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.ERROR),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="tanh", kernel_initializer="ones"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dense starts with every weight equal to 1", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="tanh", kernel_initializer="glorot_uniform"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
    ],
)
def check(rule: Rule, ctx: Context):
    program = ctx.program
    seen: set[int] = set()
    for model in program.models:
        output = model.output_layer
        for i, layer in enumerate(model.layers):
            if layer is output or not kernel_layer(layer) or id(layer.call.node) in seen:
                continue
            init = kernel_init(program, layer)
            if init is None or init.kind != "constant":
                continue
            seen.add(id(layer.call.node))
            act, _src, _arg = program.effective_activation(model, i)
            relu = act in RELU_LIKE
            target = "he_normal" if relu else "glorot_uniform"
            value = init.arg.value
            new = with_string_value(value, target) if isinstance(value, cst.SimpleString) else cst.SimpleString(f'"{target}"')
            fix = Fix(f"Use '{target}'", (ctx.replace(layer.call.placed, value, new),))
            shown = f"{init.value:g}" if init.value is not None else "a constant"
            if init.value == 0 and act in ("relu", "relu6"):
                severity = Severity.ERROR
                message = (f"{layer.kind} starts with all-zero weights and {act}: every pre-activation is 0, where "
                           f"{act}'s gradient is 0, so the layer never trains and passes nothing on; use '{target}'")
            else:
                severity = None
                message = (f"{layer.kind} starts with every weight equal to {shown}: all its units compute the same "
                           f"thing and stay near-copies (symmetry is never broken); use '{target}'")
            yield rule.finding(ctx, layer.call.placed, value, message, fix=fix, severity=severity,
                               layer=layer.kind, activation=act)
