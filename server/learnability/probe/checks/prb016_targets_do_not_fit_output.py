"""PRB016: regression targets outside the output activation's range, or far from unit scale."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Labels, Measurement, TargetMisfit, fmt, sample

_REG = dict(kind="regression", measured_causes=("PRB016",))


@probe_check(
    id="PRB016", name="targets-do-not-fit-output", category="preprocessing", severity="error",
    summary="Regression targets outside the output activation's range, or far from unit scale.",
    rationale="A sigmoid output cannot reach targets 3..103, a relu output cannot go negative; targets of 1e8 make the "
              "loss 1e15 and the gradients useless. A linear output and/or standardised targets are retrained. "
              "Measured in the data (plan.target_misfit / causes, which the worker reads too, to retrain the "
              "remedy); the report adds the remedy's run.",
    remedy="a linear output; standardised targets",
    cases=("cases/regression_sigmoid_targets.py", "cases/regression_huge_targets.py"),
    valid=[Valid(sample(kind="regression"))],
    invalid=[Invalid(sample(**_REG, labels=Labels(min=3.0, max=103.0, mean=53.0, std=29.0),
                            target_misfit=TargetMisfit("sigmoid", range=True)),
                     "targets 3..103 are outside what a sigmoid output can produce"),
             Invalid(sample(**_REG, labels=Labels(min=1e6, max=1e8, mean=5e7, std=2.9e7),
                            target_misfit=TargetMisfit("linear", scale=True)),
                     "targets are far from unit scale (mean 5.00e+07, std 2.90e+07)")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    mis = m.target_misfit
    if "PRB016" not in m.measured_causes or mis is None:
        return
    lab = m.labels
    span = f"{fmt(lab.min)}..{fmt(lab.max)}"
    parts = []
    if mis.range:
        parts.append(f"targets {span} are outside what a {mis.activation} output can produce")
    if mis.scale:
        parts.append(f"targets are far from unit scale (mean {fmt(lab.mean)}, std {fmt(lab.std)})")
    out = next((l for l in m.layers if l.output), None)
    yield Hit("regression targets do not fit the output: " + "; ".join(parts),
              f"targets {span}, mean {fmt(lab.mean)}, std {fmt(lab.std)}; output activation {mis.activation}",
              at=out.line if mis.range and out is not None and out.line else "fit", subject="cause")
