"""PRB002: the first layer gets a tiny fraction of the last layer's gradient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Fit, Measurement, fmt, sample

_FITTED = Fit(loss=(0.69, 0.5, 0.3), steps=3, fitted=True, steps_to_fit=3, final_loss=0.3, final_accuracy=1.0)


@probe_check(
    id="PRB002", name="vanishing-gradients", category="activation", severity="warning",
    summary="The first layer gets a tiny fraction of the last layer's gradient.",
    rationale="Below 1e-3 of the last layer's gradient norm (and 1e-4 absolute) the first layers barely move "
              "(AutoTrainer's vanishing-gradient symptom).",
    valid=[Valid(sample(), "first layer 0.01 vs last 0.02"),
           Valid(sample(fit=replace(_FITTED, grad_norms=((1e-3, 10.0),) * 5)),
                 "a small ratio, but the first layer's gradient is not tiny in absolute terms"),
           Valid(sample(groups=("dense",), fit=replace(_FITTED, grad_norms=((1e-9,),))), "one layer group")],
    invalid=[Invalid(sample(fit=replace(_FITTED, grad_norms=((1e-7, 0.02),) * 30)),
                     "vanishing gradients: the first layer (dense) gets 5.00e-06 of the last layer's gradient")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    ends = m.gradient_ends
    if ends is None:
        return
    first, last, steps = ends
    ratio = first / last
    if ratio < th["vanish_ratio"] and first < th["vanish_abs"]:
        g0, g1 = m.groups[0], m.groups[-1]
        yield Hit(f"vanishing gradients: the first layer ({g0}) gets {fmt(ratio)} of the last layer's gradient",
                  f"gradient norm {fmt(first)} at {g0} vs {fmt(last)} at {g1} (geometric mean over the first "
                  f"{steps} steps)",
                  at=next((l.line for l in m.layers if l.name == g0 and l.line), None))
