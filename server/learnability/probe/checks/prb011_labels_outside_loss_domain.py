"""PRB011: the labels are outside what the loss accepts (or the loss goes negative)."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Fit, Labels, Measurement, fmt, sample


@probe_check(
    id="PRB011", name="labels-outside-loss-domain", category="loss", severity="error",
    summary="The labels are outside what the loss accepts (or the loss goes negative).",
    rationale="Binary crossentropy needs labels in [0, 1]: labels 0/1/2 make it negative and unbounded below, so "
              "minimising it is meaningless. Sparse crossentropy needs 0..units-1. The labels are remapped (and the "
              "output widened to a softmax where there are more than two classes) and retrained: that measured cause "
              "(plan.causes, which the worker reads too) is reported with its remedy's run (probe.report); without "
              "that cause, the label problems the worker reports, or a negative loss.",
    remedy="labels mapped to 0..k-1; a k-unit softmax with sparse crossentropy for k > 2 classes",
    cases=("cases/binary_labels_012.py",),
    valid=[Valid(sample()),
 ],
    invalid=[Invalid(sample(labels=Labels(encoding="integer", min=0.0, max=2.0, distinct=3, output_units=1),
                            fit=Fit(loss=(0.5, -0.4, -2.0), steps=3), measured_causes=("PRB011",)),
                     "labels outside what binary_crossentropy accepts: labels span 0..2", "labels 0/1/2"),
             Invalid(sample(labels=Labels(encoding="integer", min=0.0, max=9.0, output_units=1,
                                          problems=("10 classes into 1 output unit",))),
                     "labels do not match the output: 10 classes into 1 output unit"),
             Invalid(sample(fit=Fit(loss=(0.5, -0.2, -3.0), steps=3)),
                     "the loss is negative: the labels are outside what the loss accepts")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    lab = m.labels
    span = f"{fmt(lab.min)}..{fmt(lab.max)}"
    if "PRB011" in m.measured_causes:  # the measured cause; the report adds its remedy's run
        ev = f"labels {lab.encoding} in {span} ({lab.distinct} distinct values), output units {lab.output_units}"
        if m.negative_loss:
            ev += f"; the loss goes negative (lowest {fmt(min((v for v in m.fit.loss if v is not None), default=None))})"
        yield Hit(f"labels outside what {m.loss_name} accepts: " + "; ".join(lab.problems or (f"labels span {span}",)),
                  ev, subject="cause")
        return
    for problem in lab.problems:
        yield Hit(f"labels do not match the output: {problem}",
                  f"labels {lab.encoding} in {fmt(lab.min)}..{fmt(lab.max)}, output units {lab.output_units}, "
                  f"loss {m.loss_name}")
    if m.negative_loss and not lab.problems:
        yield Hit("the loss is negative: the labels are outside what the loss accepts",
                  f"loss {fmt(m.init_loss)} at step 0, down to {fmt(m.min_loss)}; labels {fmt(lab.min)}..{fmt(lab.max)}, "
                  f"loss {m.loss_name}", at="compile")
