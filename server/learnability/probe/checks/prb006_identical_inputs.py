"""PRB006: every sample of the training slice is the same input."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Inputs, Measurement, fmt, pct, sample


@probe_check(
    id="PRB006", name="identical-inputs", category="data", severity="error",
    summary="Every sample of the training slice is the same input.",
    rationale="Identical inputs cannot be told apart: the best the model can do is predict the label frequencies.",
    valid=[Valid(sample())],
    invalid=[Invalid(sample(inputs=Inputs(min=0.0, max=0.0, identical_samples=True)),
                     "all 200 samples in the training slice are identical (every value is 0)"),
             Invalid(sample(inputs=Inputs(min=0.0, max=1.0, identical_across_classes=True)),
                     "the inputs of different classes are identical")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    inputs = m.inputs
    if not (inputs.identical_samples or inputs.identical_across_classes):
        return
    what = (f"all {m.train_samples} samples in the training slice are identical"
            + (f" (every value is {fmt(inputs.min)})" if inputs.min == inputs.max else "")
            if inputs.identical_samples else "the inputs of different classes are identical")
    yield Hit(f"inputs are identical across samples: the model cannot tell the classes apart ({what})",
              f"{what}; the model can only predict the label frequencies: fit-one-batch accuracy "
              f"{pct(m.fit.final_accuracy)} (best input-independent: {pct(m.chance_batch)})",
              data={"min": inputs.min, "max": inputs.max})
