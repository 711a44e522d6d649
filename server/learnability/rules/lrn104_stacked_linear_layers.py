"""LRN104: Dense/Conv layers stacked with no non-linearity between them."""

from __future__ import annotations

from learnability.analysis.program import CONV_LAYERS
from learnability.findings import Category, Fix, Severity
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
        "however deep it is. Give the hidden layer an activation (relu), or an Activation layer after it."
    ),
    fix="Add activation='relu' to the linear layer (not applied automatically: a linear bottleneck can be intended).",
    covers="Dense/Conv layers stacked with no non-linearity between them collapse to one linear map",
    severity_note="warning when no hidden layer has an activation",
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
        """, message="no hidden layer of this model has one: the whole stack collapses into a single linear map", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * x[:, 1] > 0.25).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"), layers.Dense(64),
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
        """, message="Dense has no activation and feeds Dense directly", fixed="""
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
def check(rule: Rule, ctx: Context):
    program = ctx.program
    seen: set[int] = set()
    for model in program.models:
        layers = model.layers
        output = model.output_layer
        hidden = [l for l in layers if l.kind in _COMPUTE and l is not output]
        acts = {id(l): program.effective_activation(model, l.position)[0] for l in hidden}
        before_output = layers[:output.position] if output is not None else layers
        all_linear = (len(hidden) >= 2 and all(a == "linear" for a in acts.values()) and not model.opaque
                      and all(l.kind in TRANSPARENT or l.kind in _COMPUTE for l in before_output))
        for layer in hidden:
            if acts[id(layer)] != "linear" or id(layer.call.node) in seen:
                continue
            nxt = _next_compute(model, layer.position)
            if nxt is None:
                continue
            seen.add(id(layer.call.node))
            quote = model_quote(model)
            _act, act_arg = program.layer_activation(layer)
            if act_arg is not None:  # activation=None / 'linear' written out: replace it
                edit = ctx.replace(layer.call.placed, act_arg.value, f"{quote}relu{quote}")
            else:
                edit = add_keyword(ctx, layer, f"activation={quote}relu{quote}")
            fix = Fix("Add activation='relu'", (edit,), safe=False) if edit is not None else None
            if all_linear:
                msg = (f"{layer.kind} has no activation, and no hidden layer of this model has one: the whole stack "
                       "collapses into a single linear map and cannot learn a non-linear boundary; add "
                       "activation='relu' to the hidden layers")
                severity = Severity.WARNING
            else:
                msg = (f"{layer.kind} has no activation and feeds {nxt.kind} directly: two linear maps in a row are one "
                       "linear map, so the layer adds parameters but no expressive power; add activation='relu' "
                       "(or an Activation layer) unless a linear bottleneck is intended")
                severity = Severity.INFO
            yield rule.finding(
                ctx, layer.call.placed, layer.call.node, msg, fix=fix, severity=severity,
                related=[(nxt.call.placed, nxt.call.node, f"the next {nxt.kind} layer")],
            )


def _next_compute(model, position: int):
    for layer in model.layers[position + 1:]:
        if layer.position in model.opaque:
            return None
        if layer.kind in _COMPUTE:
            return layer
        if layer.kind not in TRANSPARENT:
            return None
    return None
