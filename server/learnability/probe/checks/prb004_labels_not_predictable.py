"""PRB004: training accuracy rises but held-out accuracy stays at chance."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import HeldOut, Measurement, above_chance, pct, sample

_MEMORISED = HeldOut(train_accuracy=0.96, held_out_accuracy=0.48, chance=0.5, train_samples=150, held_out_samples=50,
                     steps=40, margin=0.12, above_chance=False)
_AT_CHANCE = replace(_MEMORISED, train_accuracy=0.52)


@probe_check(
    id="PRB004", name="labels-not-predictable", category="data", severity="warning",
    summary="Training accuracy rises but held-out accuracy stays at chance.",
    rationale="When the labels carry no information about the inputs (shuffled, random) the model can only memorise; "
              "held-out accuracy within a one-sided binomial interval of chance shows it. A model that fits its "
              "batch but stays at chance on the training slice counts too, when nothing else explains it.",
    cases=("cases/labels_shuffled.py",),
    valid=[Valid(sample(), "held-out accuracy 85% above chance"),
           Valid(sample(held=_AT_CHANCE, explained=True), "at chance, but a static fix improves training"),
           Valid(sample(held=_AT_CHANCE, measured_causes=("PRB011",)), "at chance, but a measured cause explains it"),
           Valid(sample(kind="regression", held=_MEMORISED), "regression: no accuracy to compare")],
    invalid=[Invalid(sample(held=_MEMORISED), "labels are not predictable from the inputs"),
             Invalid(sample(held=_AT_CHANCE), "held-out accuracy stays at chance",
                     "fits the batch, stays at chance on the training slice, nothing else explains it")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    held = m.held
    if held is None or held.held_out_accuracy is None or m.kind == "regression":
        return
    learned_train = above_chance(held.train_accuracy, held.chance, held.train_samples, m.kind, th)
    memorised = (m.fit.fitted and learned_train is False and not m.collapsed and not m.unscaled  # fits 16 samples,
                 and not m.measured_causes and m.labels.classes_seen != 1 and not m.explained)  # nothing else
    if not held.above_chance and (learned_train or memorised):
        yield Hit("labels are not predictable from the inputs: held-out accuracy stays at chance",
                  f"after {held.steps} steps on {held.train_samples} samples: training accuracy "
                  f"{pct(held.train_accuracy)}, held-out accuracy {pct(held.held_out_accuracy)} on "
                  f"{held.held_out_samples} samples vs chance {pct(held.chance)} (above chance would need > "
                  f"{pct(held.chance + (held.margin or 0) if held.chance is not None else None)})")
