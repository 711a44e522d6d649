"""PRB009: the inputs given to fit span a large range."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Inputs, Measurement, fmt, sample


@probe_check(
    id="PRB009", name="unscaled-inputs-measured", category="preprocessing", severity="warning",
    summary="The inputs given to fit span a large range.",
    rationale="Inputs far from unit scale (beyond `input_max_abs`, 10 by default) make the first layer's "
              "pre-activations huge; standardised inputs are retrained. Where the static LRN501 already says it and "
              "the remedy did not run, the measurement is added to LRN501's evidence instead.",
    remedy="standardised inputs",
    valid=[Valid(sample()),
           Valid(sample(inputs=Inputs(min=255.0, max=255.0, identical_samples=True)), "identical inputs: PRB006")],
    invalid=[Invalid(sample(inputs=Inputs(min=0.0, max=255.0, mean=120.0, std=70.0)),
                     "inputs are not scaled: values up to 255")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    if not m.unscaled:
        return
    i = m.inputs
    yield Hit(f"inputs are not scaled: values up to {fmt(i.max_abs)}",
              f"inputs span {fmt(i.min)}..{fmt(i.max)} (mean {fmt(i.mean)}, std {fmt(i.std)})")
