"""LRN104: Dense/Conv layers stacked with no non-linearity between them."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.calls import find_calls
from learnability.analysis.names import last
from learnability.analysis.program import CONV_LAYERS, LayerInfo, ModelInfo, Program
from learnability.findings import Category, Finding, Fix, Severity, TextEdit
from learnability.rules._outputs import add_keyword, model_quote
from learnability.rules.base import Context, Invalid, Rule, Valid, register

# layers that are linear (or the identity) at inference: they do not separate two linear layers
TRANSPARENT = frozenset(
    "Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise GaussianDropout AlphaDropout "
    "Flatten Reshape BatchNormalization ZeroPadding1D ZeroPadding2D ZeroPadding3D".split()
)
_COMPUTE = frozenset({"Dense"}) | (CONV_LAYERS - {"DepthwiseConv2D"})


@register(
    id="LRN104",
    name="stacked-linear-layers",
    category=Category.ACTIVATION,
    severity=Severity.INFO,
    # scripts/measure_rule_claims.py more: on a nearly linear toy task two linear Dense layers train as well as with relu
    # (information); without any activation no non-linear boundary can be learnt (warning).
    summary="Dense/Conv layers stacked with no non-linearity between them",
    rationale=(
        "A Dense or Conv layer with no activation is a linear map, and a linear map followed by another "
        "(with only Dropout, Flatten, Reshape or BatchNormalization between, all linear at inference) is "
        "again one linear map: the extra layer adds parameters but no expressive power. When no hidden layer "
        "has an activation, the whole network is a linear model and cannot learn any non-linear boundary, "
        "however deep it is (reported once, on the first hidden layer). Give the hidden layer an activation "
        "(relu), or an Activation layer after it. Not reported: a linear layer whose output is also a model's "
        "output (an autoencoder's code) and a Dense that projects a vector to a feature map for convolutions "
        "(a decoder's Dense, Reshape, Conv2DTranspose)."
    ),
    fix="Add activation='relu' to the linear layer (not applied automatically: a linear bottleneck can be intended).",
    covers=("Dense/Conv layers stacked with no non-linearity between them collapse to one linear map; silent for an "
            "autoencoder's code (a layer that is also a model's output) and a decoder's Dense → Reshape → Conv projection"),
    severity_note="warning, once per model, when no hidden layer has an activation",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="an activation in every hidden layer"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.BatchNormalization(),
                                      layers.Activation("relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="Dense, BatchNormalization, then the activation as its own layer"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64), layers.Dense(64),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="no hidden layer has an activation, so the model is linear: add activation='relu' to Dense", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """,
                severity=Severity.WARNING),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(32),
                                      layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dense with no activation feeds Dense: two linear maps are one; add activation='relu'", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(32, activation="relu"),
                                      layers.Dense(32, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    seen: set[tuple[int, int, int]] = set()  # a layer met again through another model
    for model, all_linear, candidates in ctx.each_model(rule, program.models, lambda model: _candidates(program, model)):
        found = []  # (linear layer, the compute layer it feeds)
        for key, layer, nxt in candidates:
            if key not in seen:
                seen.add(key)
                found.append((layer, nxt))
        if not found:
            continue
        quote = model_quote(model)
        if all_linear:  # one finding for the whole stack, on its first hidden layer; its fix edits every one
            layer, nxt = found[0]
            edits = [_relu_edit(ctx, program, l, quote) for l, _n in found]
            fix = Fix("Add activation='relu' to the hidden layers", tuple(e for e in edits if e is not None),
                      safe=False) if all(edits) else None
            msg = f"no hidden layer has an activation, so the model is linear: add activation='relu' to {layer.kind}"
            related = [(l.call.placed, l.call.node, f"another hidden {l.kind} with no activation") for l, _n in found[1:]
                       if l is not nxt]
            yield rule.finding(ctx, layer.call.placed, layer.call.node, msg, fix=fix, severity=Severity.WARNING,
                               related=[(nxt.call.placed, nxt.call.node, f"the next {nxt.kind} layer")] + related)
            continue
        for layer, nxt in found:
            edit = _relu_edit(ctx, program, layer, quote)
            fix = Fix("Add activation='relu'", (edit,), safe=False) if edit is not None else None
            msg = (f"{layer.kind} with no activation feeds {nxt.kind}: two linear maps are one; "
                   "add activation='relu'")
            yield rule.finding(
                ctx, layer.call.placed, layer.call.node, msg, fix=fix, severity=Severity.INFO,
                related=[(nxt.call.placed, nxt.call.node, f"the next {nxt.kind} layer")],
            )


def _candidates(program: Program, model: ModelInfo
                ) -> list[tuple[ModelInfo, bool, list[tuple[tuple[int, int, int], LayerInfo, LayerInfo]]]]:
    """[(model, whether every hidden layer is linear, [(key, linear layer, the compute layer it feeds)])]: the
    per-model part of the check, before layers met through another model are left out (in `check`)."""
    layers = model.layers
    output = model.output_layer
    hidden = [l for l in layers if l.kind in _COMPUTE and l is not output]
    acts = {id(l): program.effective_activation(model, l.position)[0] for l in hidden}
    before_output = layers[:output.position] if output is not None else layers
    all_linear = (len(hidden) >= 2 and all(a == "linear" for a in acts.values()) and not model.opaque
                  and all(l.kind in TRANSPARENT or l.kind in _COMPUTE for l in before_output))
    candidates: list[tuple[tuple[int, int, int], LayerInfo, LayerInfo]] = []
    for layer in hidden:
        if acts[id(layer)] != "linear":
            continue
        nxt = _next_compute(model, layer.position)
        if nxt is None:
            continue
        if layer.kind == "Dense" and nxt.kind in CONV_LAYERS:
            continue  # a decoder's projection of a vector to a feature map (Dense, Reshape, Conv2DTranspose)
        if _is_model_output(program, layer):
            continue  # an (auto)encoder's linear code: the output of a model of its own
        placed = layer.call.placed  # identical statements share a parsed node: the key says where it stands
        candidates.append(((id(placed.chunk), placed.line_offset, id(layer.call.node)), layer, nxt))
    return [(model, all_linear, candidates)]


def _relu_edit(ctx: Context, program: Program, layer: LayerInfo, quote: str) -> TextEdit | None:
    _act, act_arg = program.layer_activation(layer)
    if act_arg is not None:  # activation=None / 'linear' written out: replace it
        return ctx.replace(layer.call.placed, act_arg.value, f"{quote}relu{quote}")
    return add_keyword(ctx, layer, f"activation={quote}relu{quote}")


def _model_outputs(program: Program) -> set[tuple[str, int]]:
    """(name, statement index) of the names given as the outputs of a functional Model(inputs, outputs)."""
    program.touch_all()  # every Model call of the program (see SemanticModel.recording)
    cached = program.__dict__.get("_lrn104_model_outputs")
    if cached is None:
        cached = set()
        for view in find_calls(program, {"Model"}):
            if last(view.qualname or "") != "Model":
                continue
            arg = view.arg(1, "outputs", "output")
            if arg is None:
                continue
            value = arg.value
            values = [el.value for el in value.elements] if isinstance(value, (cst.List, cst.Tuple)) else [value]
            cached.update((v.value, view.index) for v in values if isinstance(v, cst.Name))
        program.__dict__["_lrn104_model_outputs"] = cached
    return cached


def _is_model_output(program: Program, layer: LayerInfo) -> bool:
    """`code = Dense(2)(h)` where `code` is also the output of a Model (the encoder of an autoencoder)."""
    stmt = program.stmts[layer.call.index] if 0 <= layer.call.index < len(program.stmts) else None
    value = stmt.raw.value if stmt is not None else None
    if stmt is None or not (value is layer.call.node or (isinstance(value, cst.Call) and value.func is layer.call.node)):
        return False
    names = {name for name, _path in stmt.raw.targets}
    for name, at in _model_outputs(program):
        if name in names:
            entry = program.assignment(name, at)  # the binding of `name` that reaches that Model call
            if entry is not None and entry[0].index == layer.call.index:
                return True
    return False


def _next_compute(model: ModelInfo, position: int) -> LayerInfo | None:
    for layer in model.layers[position + 1:]:
        if layer.position in model.opaque:
            return None
        if layer.kind in _COMPUTE:
            return layer
        if layer.kind not in TRANSPARENT:
            return None
    return None
