"""LRN903: batch_size=1 with BatchNormalization in the model."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import fits
from learnability.rules._optim import literal_behind
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN903",
    name="batch-one-with-batchnorm",
    category=Category.BATCH_SIZE,
    severity=Severity.WARNING,
    summary="batch_size=1 with BatchNormalization",
    rationale=(
        "In training, BatchNormalization normalises each feature with the mean and variance of the current "
        "batch. With one sample the mean is the sample itself: after a Dense layer every feature becomes "
        "(x - x) / sqrt(0 + eps) = 0, so the layer outputs its bias whatever the input and nothing is learnt; "
        "after a convolution the statistics come from one image and jump from step to step, and the moving "
        "averages used at inference do not match training. Use batches of 16 or more, or LayerNormalization."
    ),
    fix="Use batch_size=32 (or replace BatchNormalization with LayerNormalization).",
    covers="`batch_size=1` with BatchNormalization in the model",
    severity_note="error after a Dense layer: the signal is erased",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.BatchNormalization(),
                                      layers.Activation("relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=32)
        """, note="BatchNormalization with batches of 32"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.BatchNormalization(),
                                      layers.Activation("relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=1)
        """, message="batch_size=1", severity=Severity.ERROR, fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.BatchNormalization(),
                                      layers.Activation("relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=32)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(64, 28, 28, 1)
            y = np.arange(64) % 10
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3), layers.BatchNormalization(),
                                      layers.Activation("relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5, batch_size=1)
        """, message="batch_size=1 with BatchNormalization erases the signal: use batches of 16 or more", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(64, 28, 28, 1)
            y = np.arange(64) % 10
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3), layers.BatchNormalization(),
                                      layers.Activation("relu"), layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5, batch_size=32)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for model, fit in fits(program):
        if fit.batch_size != 1 or isinstance(fit.batch_size, bool):
            continue
        bn = next((layer for layer in model.layers if layer.kind == "BatchNormalization"), None)
        if bn is None:
            continue
        arg = fit.call.arg(2 if fit.method == "fit" else None, "batch_size")
        if arg is None:
            continue
        fix = None
        target = literal_behind(program, arg.value, fit.call.placed, fit.call.index)
        if target is not None:
            node, placed = target
            fix = Fix("Use batch_size=32", (ctx.replace(placed, node, "32"),), safe=False)
        # measured (scripts/measure_rule_claims.py more): Dense -> BatchNormalization with batch_size=1 stays at the
        # majority class (0.56 training accuracy, 0.33 at inference): the signal is erased (error). After a
        # convolution the statistics are one image's: it trains, noisily (warning).
        before = next((l for l in reversed(model.layers[:bn.position]) if l.kind not in ("Dropout", "Activation")), None)
        severity = Severity.ERROR if before is not None and before.kind == "Dense" else None
        yield rule.finding(
            ctx, fit.call.placed, arg.value,
            "batch_size=1 with BatchNormalization erases the signal: use batches of 16 or more",
            fix=fix, severity=severity, related=[(bn.call.placed, bn.call.node, "BatchNormalization here")],
        )
