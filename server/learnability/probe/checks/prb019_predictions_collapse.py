"""PRB019: after training the model predicts one class (or one constant) for every sample."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Fit, HeldOut, Measurement, Predictions, fmt, sample

_ONE_CLASS = Predictions(classes_predicted=1, samples=150)


@probe_check(
    id="PRB019", name="predictions-collapse", category="symptom", severity="error",
    summary="After training the model predicts one class (or one constant) for every sample.",
    rationale="A collapsed model can score the majority-class accuracy and even 'fit' a batch of one class; it has "
              "learned nothing about the inputs. Read after the held-out run, or after fit-one-batch when a constant "
              "prediction cannot already fit the batch.",
    cases=("cases/labels_div255.py",),
    valid=[Valid(sample()),
           Valid(sample(held=None, chance_batch=1.0,
                        fit=Fit(loss=(0.1,), steps=1, fitted=True, predictions=Predictions(classes_predicted=1, samples=16))),
                 "the batch holds one class: predicting it is right there"),
           Valid(sample(held=HeldOut(train_accuracy=0.9, predictions=Predictions(classes_predicted=1, samples=4))),
                 "too few samples to call it a collapse")],
    invalid=[Invalid(sample(held=HeldOut(train_accuracy=0.5, predictions=_ONE_CLASS)),
                     "the trained model predicts one class for every sample"),
             Invalid(sample(kind="regression", held=HeldOut(train_accuracy=0.0, predictions=Predictions(
                 pred_std=1e-6, target_std=3.0))), "predicts a constant for every sample")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    what = m.collapsed
    if not what:
        return
    preds = (m.held.predictions if m.held else None) or m.fit.predictions or Predictions()
    yield Hit(f"the trained model predicts {what} for every sample",
              f"after training it predicts class(es) {preds.classes_predicted} for {preds.samples} samples"
              if what == "one class" else
              f"prediction spread {fmt(preds.pred_std)} vs target spread {fmt(preds.target_std)}")
