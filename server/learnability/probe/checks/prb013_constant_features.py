"""PRB013: most input features are constant over the slice."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Inputs, Measurement, pct, sample


@probe_check(
    id="PRB013", name="constant-features", category="preprocessing", severity="info",
    summary="Most input features are constant over the slice.",
    rationale="Constant features carry no information; many of them (more than half) often mean a preprocessing slip.",
    valid=[Valid(sample()),
           Valid(sample(inputs=Inputs(identical_samples=True, constant_feature_fraction=1.0)), "identical: PRB006")],
    invalid=[Invalid(sample(inputs=Inputs(min=0.0, max=1.0, shape=[784], constant_feature_fraction=0.8)),
                     "80% of the input features are constant across the slice")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    cff = m.inputs.constant_feature_fraction
    if cff is not None and not m.identical and cff > th["constant_features"]:
        yield Hit(f"{pct(cff)} of the input features are constant across the slice",
                  f"{pct(cff)} of {m.inputs.shape} features have zero variance over {m.train_samples} samples")
