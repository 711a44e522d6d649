"""LRN302: a learning rate so small that the weights barely move."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import number_text
from learnability.rules._optim import family, optimizers, rate_anchor, rate_fix, rate_sweep
from learnability.rules.base import Context, Invalid, Rule, Valid, register

SAFE_RATE = {"sgd": 0.01, "adadelta": 1.0}
DEFAULT_SAFE = 1e-3


@register(
    id="LRN302",
    name="learning-rate-too-low",
    category=Category.LEARNING_RATE,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py more: Adam 1e-7 leaves the loss at 1.292 after 20 epochs (warning); a rate of 0
    # never moves and -0.01 climbs the loss 1.31 -> 7.82 (error).
    summary="Learning rate below 1e-6 (or zero/negative): the weights barely move",
    rationale=(
        "A step changes each weight by about learning_rate (adaptive optimizers) or learning_rate times the "
        "gradient (SGD). Below 1e-6 a weight of typical size 0.05 needs tens of thousands of steps to change "
        "noticeably: the loss stays flat and the run looks stuck. A rate of 0 never moves; a negative rate "
        "climbs the loss. A positive rate written after the program's own learning-rate sweep (a "
        "LearningRateScheduler whose rate rises geometrically with the epoch, or a learning-rate finder) was read "
        "off the loss curve for this model and data, and is not reported. Threshold: lr_min."
    ),
    fix="Set the rate to the optimizer's usual default (1e-3 for adaptive optimizers, 1e-2 for SGD).",
    covers=("Learning rate below `lr_min` (1e-6): the weights barely move; silent for a positive rate set after the "
            "program's own LR sweep (a `LearningRateScheduler` rising with the epoch, an LR finder)"),
    severity_note="error for 0 or negative",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-5), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="a small fine-tuning rate (1e-5) is above the 1e-6 floor"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-8), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="learning rate 1e-08 is below 1e-06", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="learning rate 0 is zero: the weights never move", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.ERROR),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    limit = ctx.config.threshold("lr_min")
    for opt in optimizers(program):
        fam = family(opt.kind)
        if fam is None or opt.lr_default or opt.learning_rate is None or opt.learning_rate >= limit:
            continue
        lr = opt.learning_rate
        safe = SAFE_RATE.get(fam, DEFAULT_SAFE)
        fix = rate_fix(ctx, opt, safe)
        anchor = rate_anchor(opt)
        if lr <= 0:
            what = "zero: the weights never move" if lr == 0 else "negative: every step climbs the loss"
            message = f"learning rate {lr:g} is {what}; use {number_text(safe)}"
            severity = Severity.ERROR
        elif rate_sweep(program, opt.index) is not None:
            continue  # the rate was read off the program's own learning-rate sweep: it suits this model and data
        else:
            message = f"learning rate {lr:g} is below {limit:g} for {opt.kind}: the loss stays flat; try {number_text(safe)}"
            severity = None
        yield rule.finding(ctx, opt.placed, anchor, message, fix=fix, severity=severity,
                           learning_rate=lr, suggested=safe, optimizer=opt.kind)
