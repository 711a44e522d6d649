"""PRB005: the loss or the gradients become NaN/inf or blow up."""

from __future__ import annotations

import math
from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Fit, Measurement, TargetMisfit, fmt, sample


@probe_check(
    id="PRB005", name="nan-or-exploding", category="learning_rate", severity="error",
    summary="The loss or the gradients become NaN/inf or blow up.",
    rationale="NaN/inf ends learning at once; the usual cause is a too-high learning rate or unscaled data. Exploding: "
              "the loss reaches 1e3 from an initial loss below 10 (AutoTrainer), or a layer's gradient norm exceeds "
              "1e6 (TheDeepChecker). Huge regression targets make huge losses too: PRB016 names that cause instead.",
    valid=[Valid(sample()),
           Valid(sample(kind="regression", target_misfit=TargetMisfit("linear", scale=True), fit=Fit(loss=(1e15, 2e15), steps=2, grad_norms=((1e9, 1e9),))),
                 "targets of 1e8: PRB016 says why the loss is huge")],
    invalid=[Invalid(sample(fit=Fit(loss=(0.7, 50.0, 5e3), steps=3, final_loss=5e3)),
                     "exploding: the loss or the gradients blow up during training"),
             Invalid(sample(fit=Fit(loss=(0.7, 0.6), steps=2, grad_norms=((1.0, 2e6),))), "exploding",
                     "a gradient norm beyond 1e6"),
             Invalid(sample(fit=Fit(loss=(0.7, None), steps=2, nonfinite=True)),
                     "the loss or gradients became NaN/inf after 2 steps")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    curve = m.fit.loss
    init_loss = m.init_loss
    finite_losses = [v for v in curve if v is not None and math.isfinite(v) and v < 1e29]
    max_grad = max((v for row in m.fit.grad_norms for v in row if v is not None and math.isfinite(v)), default=0.0)
    exploding = (init_loss is not None and init_loss < 10 and finite_losses
                 and max(finite_losses) >= th["explode_loss"]) or max_grad > th["explode_grad"]
    if exploding and not m.fit.nonfinite and not m.target_scale:
        yield Hit("exploding: the loss or the gradients blow up during training",
                  f"loss {fmt(init_loss)} at step 0, up to {fmt(max(finite_losses) if finite_losses else None)}; "
                  f"largest layer gradient norm {fmt(max_grad)}; learning rate {fmt(m.learning_rate)}", at="compile")
    if m.fit.nonfinite:
        yield Hit(f"the loss or gradients became NaN/inf after {m.fit.steps} steps",
                  f"loss curve: {fmt(init_loss)} ... {fmt(m.fit.final_loss)}; learning rate {fmt(m.learning_rate)}",
                  at="compile")
