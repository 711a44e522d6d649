"""LRN802: a large-variance random initialiser feeding a saturating activation."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import ModelInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import SATURATING, first_per_key
from learnability.rules._init import kernel_init, kernel_layer
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN802",
    name="large-init-stddev",
    category=Category.INITIALIZATION,
    severity=Severity.INFO,
    # scripts/measure_rule_claims.py more (Keras 3.15): RandomNormal(stddev=5) before a sigmoid layer trained to 0.56
    # accuracy vs 0.59 with the default initialiser in the same 20 epochs: slower, not stuck (information).
    summary="RandomNormal/Uniform kernel with std > 1 in front of sigmoid/tanh: units saturate at the first step",
    rationale=(
        "A pre-activation is a sum over fan_in inputs; with weights of standard deviation s its spread is about "
        "s * sqrt(fan_in) times the input's. Glorot initialisers pick s ~ sqrt(1/fan_in) to keep it near 1. "
        "With s > 1 the pre-activations are tens or hundreds: sigmoid/tanh sit on their flat tails, their "
        "derivative is ~0 and the gradient vanishes from the first step. Threshold: init_stddev_max."
    ),
    fix="Use kernel_initializer='glorot_uniform' (the Keras default).",
    covers=(
        "`RandomNormal`/`TruncatedNormal`/`RandomUniform` kernel with std > `init_stddev_max` (1.0) in front "
        "of sigmoid/tanh"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)),
                                      layers.Dense(16, activation="tanh",
                                                   kernel_initializer=keras.initializers.RandomNormal(stddev=0.05)),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="a small standard deviation (0.05)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)),
                                      layers.Dense(16, activation="tanh",
                                                   kernel_initializer=keras.initializers.RandomNormal(stddev=5.0)),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Dense weights with standard deviation 5 saturate tanh: use 'glorot_uniform'", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)),
                                      layers.Dense(16, activation="tanh",
                                                   kernel_initializer="glorot_uniform"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    limit = ctx.config.threshold("init_stddev_max")
    yield from first_per_key(ctx.each_model(rule, program.models, lambda model: _one(rule, ctx, model, limit)))


def _one(rule: Rule, ctx: Context, model: ModelInfo, limit: float) -> Iterator[tuple[int, Finding]]:
    program = ctx.program
    for i, layer in enumerate(model.layers):
        if not kernel_layer(layer):
            continue
        init = kernel_init(program, layer)
        if init is None or init.kind not in ("normal", "uniform") or init.std is None or init.std <= limit:
            continue
        act, _src, _arg = program.effective_activation(model, i)
        if act not in SATURATING:
            continue
        fix = Fix("Use 'glorot_uniform'", (ctx.replace(layer.call.placed, init.arg.value, cst.SimpleString('"glorot_uniform"')),))
        yield id(layer.call.node), rule.finding(
            ctx, layer.call.placed, init.arg.value,
            f"{layer.kind} weights with standard deviation {init.std:.3g} saturate {act}: use 'glorot_uniform'",
            fix=fix, std=init.std, activation=act,
        )
