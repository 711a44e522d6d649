"""PRB010: the loss at initialisation is far above -log(1/C)."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Fit, Measurement, fmt, sample


@probe_check(
    id="PRB010", name="loss-at-init", category="initialization", severity="info",
    summary="The loss at initialisation is far above -log(1/C).",
    rationale="An untrained classifier should be about uniform; a much higher loss (3 x -log(1/C), and 1 more) means "
              "overconfident initial outputs.",
    valid=[Valid(sample()),
           Valid(sample(kind="regression", fit=Fit(loss=(50.0, 1.0), steps=2)), "regression")],
    invalid=[Invalid(sample(fit=Fit(loss=(9.5, 3.0, 0.5), steps=3, fitted=True)),
                     "loss at initialisation 9.5 is far above -log(1/2) = 0.693")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    init, expected = m.init_loss, m.expected_loss
    if init is not None and expected and m.kind != "regression" and \
            init > th["init_loss_factor"] * expected and init > expected + 1.0:
        yield Hit(f"loss at initialisation {fmt(init)} is far above -log(1/{m.classes}) = {fmt(expected)}: the "
                  "outputs start overconfident",
                  f"loss at step 0 {fmt(init)}, expected about {fmt(expected)} for {m.classes} classes", at="compile")
