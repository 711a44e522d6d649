"""PRB014: every label in the training slice is the same class."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Labels, Measurement, fmt, sample


@probe_check(
    id="PRB014", name="single-class-labels", category="data", severity="error",
    summary="Every label in the training slice is the same class.",
    rationale="Labels divided by 255 like the images, or a filter gone wrong, leave one class: the model 'fits' by "
              "predicting it and learns nothing. Labels multiplied back are retrained. Measured in the data "
              "(plan.causes, which the worker reads too, to retrain the remedy); the report adds the remedy's run.",
    remedy="labels multiplied back by the factor they were divided by",
    cases=("cases/labels_div255.py",),
    valid=[Valid(sample())],
    invalid=[Invalid(sample(labels=Labels(min=0.0, max=0.0352, classes_seen=1, counts=[200], integer_scale=255.0),
                            measured_causes=("PRB014",)),
                     "every label is the same class: the labels look divided by 255"),
             Invalid(sample(labels=Labels(min=1.0, max=1.0, classes_seen=1, counts=[0, 200]), measured_causes=("PRB014",)),
                     "every label is the same class", "a filter left one class: no factor to multiply back")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    if "PRB014" not in m.measured_causes:
        return
    lab = m.labels
    yield Hit("every label is the same class" + (
        f": the labels look divided by {fmt(lab.integer_scale)}" if lab.integer_scale else ""),
        f"labels in {fmt(lab.min)}..{fmt(lab.max)}; the loss reads them as class counts {lab.counts}", subject="cause")
