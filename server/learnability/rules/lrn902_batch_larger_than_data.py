"""LRN902: a batch size larger than the training set: one update per epoch."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.analysis.program import FitInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import each_fit
from learnability.rules._optim import literal_behind
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN902",
    name="batch-larger-than-data",
    category=Category.BATCH_SIZE,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py more: batch 1024 on 256 samples, 20 epochs: 0.39 accuracy vs 0.59 (warning).
    summary="Batch size larger than the number of training samples",
    rationale=(
        "The weights change once per batch. With batch_size >= the number of training samples every epoch is "
        "a single step on the whole set, so epochs=E gives only E updates: far too few for the loss to fall "
        "unless E is in the hundreds. Smaller batches (32-256) give many updates per epoch and a helpful dose "
        "of gradient noise."
    ),
    fix="Use a batch size well below the number of samples (32 is Keras' default).",
    covers="Batch size larger than the known number of training samples (after `validation_split`)",
    severity_note="info with ≥ 100 epochs",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=32)
        """, note="32 of 256 samples a batch"),
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
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=512)
        """, message="batch_size=512 is larger than the 256 training samples", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=32)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from each_fit(ctx, rule, lambda model, fit: _one(rule, ctx, fit))


def _one(rule: Rule, ctx: Context, fit: FitInfo) -> Iterator[Finding]:
    program = ctx.program
    batch = fit.batch_size
    if not isinstance(batch, int) or isinstance(batch, bool) or fit.x is None:
        return
    n = describe(program, fit.x, fit.call.index).n_samples
    if n is None and fit.y is not None:
        n = describe(program, fit.y, fit.call.index).n_samples
    if not n:
        return
    split = fit.validation_split
    n_train = int(n * (1 - split)) if isinstance(split, float) and 0 < split < 1 else n
    if batch <= n_train:
        return
    epochs = fit.epochs if isinstance(fit.epochs, int) and not isinstance(fit.epochs, bool) else 1
    arg = fit.call.arg(2 if fit.method == "fit" else None, "batch_size")
    if arg is None:
        return
    fix = None
    target = literal_behind(program, arg.value, fit.call.placed, fit.call.index)
    if target is not None and n_train > 32:
        node, placed = target
        fix = Fix("Use batch_size=32", (ctx.replace(placed, node, "32"),), safe=False)
    yield rule.finding(
        ctx, fit.call.placed, arg.value,
        f"batch_size={batch} is larger than the {n_train} training samples: one step per epoch",
        fix=fix, severity=Severity.WARNING if epochs < 100 else Severity.INFO, batch_size=batch, samples=n_train,
    )
