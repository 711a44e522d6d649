"""PRB001: the model does not fit one small batch (a symptom)."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Fit, Measurement, fmt, pct, sample


@probe_check(
    id="PRB001", name="does-not-fit-a-batch", category="symptom", severity="error",
    summary="The model does not fit one small batch (16 samples) in the step budget.",
    rationale="A model that can learn at all can memorise 16 samples (TheDeepChecker's fit-one-batch test). Failing it is "
              "a symptom; the causes are the findings next to it. Its severity is the verdict's: an error when the "
              "model does not learn, else a warning.",
    cases=("cases/adam_lr_high.py",),
    valid=[Valid(sample(), "fits its batch in 7 steps")],
    invalid=[
        Invalid(sample(fit=Fit(loss=(0.69,) * 40, steps=40, final_loss=0.69, final_accuracy=0.5)),
                "does not fit a batch of 16 samples in 40 steps"),
        Invalid(sample(kind="regression", fit=Fit(loss=(4.0, 3.9), steps=2, final_loss=3.9, final_accuracy=0.01)),
                "a symptom: see the causes", "regression: the evidence gives the batch R²"),
    ],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    if m.fit.fitted:
        return
    regression = m.kind == "regression"
    expected = m.expected_loss
    yield Hit(
        f"the model does not fit a batch of {m.batch_samples} samples in {m.fit.steps} steps (a symptom: see the causes)",
        f"loss {fmt(m.init_loss)} -> {fmt(m.fit.final_loss)} (lowest {fmt(m.min_loss)}), "
        + (f"batch R² {fmt(m.fit.final_accuracy)} (a constant prediction scores 0)" if regression else
           f"batch accuracy {pct(m.fit.final_accuracy)} vs {pct(m.chance_batch)} by always predicting the "
           "majority class")
        + (f"; expected loss at chance {fmt(expected)}" if expected and not regression else ""))
