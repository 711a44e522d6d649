"""PRB012: the labels are imbalanced."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Labels, Measurement, fmt, sample


@probe_check(
    id="PRB012", name="imbalanced-labels", category="data", severity="info",
    summary="The labels are imbalanced.",
    rationale="With a dominant class, always predicting it scores well: accuracy needs comparing with that, not 50%. "
              "Imbalanced: the normalised perplexity of the class counts is below 0.5.",
    valid=[Valid(sample()), Valid(sample(labels=Labels(balance=0.0, classes_seen=1)), "one class: PRB014")],
    invalid=[Invalid(sample(labels=Labels(balance=0.3, classes_seen=2, counts=[190, 10])),
                     "labels are imbalanced (normalised perplexity 0.3)")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    lab = m.labels
    if lab.balance is not None and lab.classes_seen > 1 and lab.balance < th["balance"]:
        yield Hit(f"labels are imbalanced (normalised perplexity {fmt(lab.balance)})",
                  f"class counts in the slice: {lab.counts}")
