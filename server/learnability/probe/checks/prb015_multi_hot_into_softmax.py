"""PRB015: multi-hot labels (several 1s per row) are trained through a softmax output."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Labels, Layer, Measurement, sample


@probe_check(
    id="PRB015", name="multi-hot-into-softmax", category="activation", severity="error",
    summary="Multi-hot labels (several 1s per row) are trained through a softmax output.",
    rationale="Softmax outputs sum to 1, so it cannot predict two labels at once; multi-label needs sigmoid outputs "
              "with binary crossentropy, which is retrained. Measured in the data (plan.causes, which the worker "
              "reads too, to retrain the remedy); the report adds the remedy's run.",
    remedy="sigmoid output with binary crossentropy",
    cases=("cases/multi_hot_softmax.py",),
    valid=[Valid(sample())],
    invalid=[Invalid(sample(kind="categorical", labels=Labels(encoding="multi-hot", shape=[5]),
                            layers=(Layer("dense", "Dense", 5, "relu"), Layer("out", "Dense", 6, "softmax", output=True)),
                            measured_causes=("PRB015",)),
                     "multi-hot labels trained through a softmax output")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    if "PRB015" not in m.measured_causes:
        return
    out = next((l for l in m.layers if l.output), None)
    yield Hit("multi-hot labels trained through a softmax output: use sigmoid with binary crossentropy",
              f"labels {m.labels.shape} with several 1s per row; softmax outputs sum to 1",
              at=out.line if out is not None and out.line else "compile", subject="cause")
