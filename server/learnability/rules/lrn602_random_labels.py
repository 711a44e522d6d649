"""LRN602: labels drawn at random, independently of the inputs."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe, names_behind
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import fits
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN602",
    name="random-labels",
    category=Category.DATA,
    severity=Severity.INFO,
    # scripts/measure_rule_claims.py more: random labels: training accuracy creeps up (0.37 -> 0.41), nothing to
    # generalise (information: a test script may do it on purpose).
    summary="Labels drawn at random, independently of the inputs",
    rationale=(
        "Labels from np.random.randint (or choice) carry no information about the inputs. A large enough "
        "model can memorise them (training accuracy rises), but held-out accuracy stays at chance: there is "
        "nothing to learn. Fine for a smoke test; not for judging a model."
    ),
    fix=None,
    covers=(
        "Labels drawn at random (`randint`, `choice`, `rng.integers`) independently of the inputs; not when "
        "the inputs are built from them"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] + x[:, 1] > 1).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="labels computed from the inputs"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            y = np.random.randint(0, 2, 256)
            x = np.random.rand(256, 8) + y[:, None]
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="random labels first, inputs built from them"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = np.random.randint(0, 2, 256)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="labels are drawn at random, independently of the inputs"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for _model, fit in fits(program):
        if fit.y is None:
            continue
        info = describe(program, fit.y, fit.call.index)
        if not info.random_labels:
            continue
        # y = randint(...); X = noise + 3 * y[:, None]: the inputs are built from the labels
        if fit.x is not None and names_behind(program, fit.y, fit.call.index) & names_behind(program, fit.x, fit.call.index):
            continue
        related = []
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, "the labels are drawn here"))
        yield rule.finding(
            ctx, fit.call.placed, fit.y,
            "labels are drawn at random, independently of the inputs: the model can only memorise them",
            related=related,
        )
