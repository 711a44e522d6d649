"""LRN209: regression targets of large magnitude trained with mse and plain SGD at a usual rate."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.analysis.data import describe
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import fits, number_text
from learnability.rules._optim import family
from learnability.rules._outputs import _masked
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register

LARGE = 1e3  # targets beyond this, squared errors of 1e6: SGD steps at a usual rate blow the weights up


@register(
    id="LRN209",
    name="large-targets-sgd",
    category=Category.LOSS,
    severity=Severity.WARNING,
    # measured (Keras 3.15, CPU; the INVALID case): mse with plain SGD at 0.01 goes from 2.6e8 to 4e14 in the
    # first epoch; at 1e-4 and with Adam 1e-3 it does not explode but stays at 2.6e8 (nothing learnt in 3
    # epochs); standardised targets: 0.96 -> 0.80. Warning: it diverges, and a rate of 1e-3 or more is usual.
    summary="Regression targets beyond 1e3 trained with mse and plain SGD at a usual rate: the gradient explodes",
    rationale=(
        "The gradient of mean squared error grows with the error, and at the start the error is as large as "
        "the targets. With targets in the thousands (prices, counts, populations) a plain SGD step at a usual "
        "rate (1e-2, 1e-3) moves the weights by thousands: the loss overflows to inf/NaN in the first epoch. "
        "Adaptive optimizers (Adam, RMSprop) bound the step: no blow-up, but at these scales they crawl. "
        "Standardise the targets (and invert the scaling on predictions)."
    ),
    fix=None,
    covers=(
        "A fit whose targets' known range exceeds 1e3 in magnitude (np.arange, arithmetic, toy datasets such as "
        "california_housing) with mse loss and SGD at a rate of 1e-3 or more; not msle, which takes the log of the "
        "targets itself (its gradient stays small)"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(500, 3)
            y = x @ np.array([1.0, 2.0, 3.0]) * 1000 + 5000
            model = keras.Sequential([keras.Input((3,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.Adam(0.001), loss="mse")
            model.fit(x, y, epochs=20)
        """, note="an adaptive optimizer bounds the step (no blow-up)"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(2000, 4)
            y = 20000 + 780000 * x[:, 0]
            model = keras.Sequential([keras.Input((4,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="relu")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="msle")
            model.fit(x, y, epochs=50)
        """, note="msle takes the log of the targets itself: no blow-up with SGD (was a false finding)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.linspace(0, 1, 500).reshape(-1, 1)
            y = 20000 * x + 5000
            model = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
            model.fit(x, y, epochs=20)
        """, message="targets up to 25000 with mse and SGD at 0.01 blow up the weights: standardise them"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    seen: set[int] = set()
    for model, fit in fits(program):
        c = model.compile
        if fit.y is None or c is None or c.loss is None or c.optimizer is None or id(fit.call.node) in seen:
            continue
        # msle compares log(1 + y): its gradient does not grow with the targets (measured, the VALID case, SGD
        # 0.01: loss 104 -> 61 in 5 epochs, no blow-up)
        if c.loss.name != "mse" or family(c.optimizer.kind) != "sgd":
            continue
        opt = c.optimizer
        if opt.schedule is not None or opt.learning_rate is None or opt.learning_rate < 1e-3:
            continue
        if _masked(program, fit.y, fit.call.index, subset_only=True):
            continue
        info = describe(program, fit.y, fit.call.index)
        if info.one_hot or info.multi_hot or info.scaled or info.max_abs is None or info.max_abs <= LARGE:
            continue
        seen.add(id(fit.call.node))
        related: list[RelatedSpan] = [(opt.placed, opt.node, f"the optimizer: {opt.kind} at {number_text(opt.learning_rate)}")]
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, "the targets are made here"))
        yield rule.finding(
            ctx, fit.call.placed, fit.y,
            f"targets up to {info.max_abs:g} with mse and SGD at {number_text(opt.learning_rate)} blow up the weights: "
            "standardise them",
            related=related, max_abs=info.max_abs, learning_rate=opt.learning_rate)
