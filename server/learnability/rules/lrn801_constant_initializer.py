"""LRN801: a constant or zero kernel initialiser in a hidden layer: every unit starts as a copy of the others."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import LayerInfo, ModelInfo, Program
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import with_string_value
from learnability.rules._init import Init, kernel_init, kernel_layer, read_init
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register

RELU_LIKE = frozenset({"relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish", "prelu", "mish"})


def _candidates(program: Program, model: ModelInfo) -> list[tuple[tuple[int, int, int], LayerInfo, Init, str]]:
    """[(key, layer, its initialiser, its activation)] for the model's hidden layers with a constant kernel: the
    per-model part of the check, before layers met through another model are left out (in `check`)."""
    output = model.output_layer
    out: list[tuple[tuple[int, int, int], LayerInfo, Init, str]] = []
    for i, layer in enumerate(model.layers):
        if layer is output or not kernel_layer(layer):
            continue
        init = kernel_init(program, layer)
        if init is None or init.kind != "constant":
            continue
        placed = layer.call.placed  # identical statements share a parsed node: the key says where it stands
        out.append(((id(placed.chunk), placed.line_offset, id(layer.call.node)), layer, init,
                    program.effective_activation(model, i)[0]))
    return out


def _bias(program: Program, layer: LayerInfo) -> float | None:
    """The bias every unit starts with: 0 (the Keras default), a constant, or None when not constant."""
    arg = layer.arg(None, "bias_initializer")
    if arg is None:
        return 0.0
    init = read_init(program, arg, layer.call.index)
    return init.value if init is not None and init.kind == "constant" else None


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
        "layer of 128 units behaves like one. A zero kernel with ReLU and a zero (or negative) bias is worse: "
        "every pre-activation is the bias, ReLU's gradient there is 0, and the layer never changes (nor passes any "
        "signal on). Measured (5 ReLU layers, Adam, 30 epochs): zero kernels with bias 1 learn a little (loss 1.11 "
        "against 0.03 with the default), with bias 0 nothing but the output bias learns (an error). Random "
        "initialisers (glorot_uniform, the Keras default; he_normal for ReLU) break the symmetry. Zero-"
        "initialising the output layer alone is harmless and is not reported."
    ),
    fix="Use kernel_initializer='he_normal' (ReLU family) or 'glorot_uniform' (the Keras default).",
    covers=(
        "Constant or zero kernel initialiser in a hidden layer (`'zeros'`, `Constant(...)`, "
        "`tf.zeros_initializer()`, Keras 2 `init='zero'`): identical units; once per model; the output layer is left alone"
    ),
    severity_note="error: zero kernel with relu and a zero bias",
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
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    seen: set[tuple[int, int, int]] = set()  # a layer met again through another model
    for candidates in ctx.each_model(rule, program.models, lambda model: [_candidates(program, model)]):
        found = []  # (layer, its initialiser, its activation)
        for key, layer, init, act in candidates:
            if key not in seen:
                seen.add(key)
                found.append((layer, init, act))
        if not found:
            continue
        # one finding per model, on its first such layer; the fix replaces every constant kernel
        edits = []
        for layer, init, act in found:
            target = "he_normal" if act in RELU_LIKE else "glorot_uniform"
            value = init.arg.value
            new = with_string_value(value, target) if isinstance(value, cst.SimpleString) else cst.SimpleString(f'"{target}"')
            edits.append(ctx.replace(layer.call.placed, value, new))
        layer, init, act = found[0]
        target = "he_normal" if act in RELU_LIKE else "glorot_uniform"
        more = ""
        if len(found) > 1:
            more = f" (and {len(found) - 1} more layer{'s' if len(found) > 2 else ''})"
        fix = Fix(f"Use '{target}'" if len(found) == 1 else "Use random kernel initialisers", tuple(edits))
        shown = f"{init.value:g}" if init.value is not None else "a constant"
        bias = _bias(program, layer)
        if init.value == 0 and act in ("relu", "relu6") and bias is not None and bias <= 0:
            severity = Severity.ERROR
            message = f"{layer.kind} starts with all-zero weights and {act}{more}, so it never trains: use '{target}'"
        else:
            severity = None
            start = "all-zero weights" if init.value == 0 else f"every weight equal to {shown}"
            message = f"{layer.kind} starts with {start}{more}, so its units stay identical: use '{target}'"
        related: list[RelatedSpan] = [(l.call.placed, l.call.node, f"another {l.kind} with a constant kernel") for l, _i, _a in found[1:]]
        yield rule.finding(ctx, layer.call.placed, init.arg.value, message, fix=fix, severity=severity,
                           related=related, layer=layer.kind, activation=act)
