"""PRB008: a sigmoid/tanh hidden layer sits on its flat ends."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Layer, Measurement, pct, sample

_OUT = Layer("dense_1", "Dense", 6, "sigmoid", output=True)


@probe_check(
    id="PRB008", name="saturated-activations", category="activation", severity="warning",
    summary="A sigmoid/tanh hidden layer sits on its flat ends.",
    rationale="Saturated units pass almost no gradient (DeepDiagnosis): more than half of a layer's outputs beyond "
              "|pre-activation| 5, at init or after training. Relu there is retrained from the same initial weights "
              "to check (the report attaches that comparison).",
    remedy="relu in the saturated layers",
    valid=[Valid(sample()),
           Valid(sample(layers=(Layer("dense", "Dense", 5, "tanh", saturation=0.3), _OUT)), "30% saturated"),
           Valid(sample(layers=(Layer("dense", "Dense", 5, "relu"), Layer("out", "Dense", 6, "sigmoid", output=True,
                                                                          saturation=1.0))),
                 "the output layer is not checked")],
    invalid=[Invalid(sample(layers=(Layer("conv2d", "Conv2D", 10, "sigmoid", saturation=0.82, saturation_init=0.82,
                                          saturation_end=0.8), _OUT)),
                     "sigmoid layer conv2d is saturated: 82% of its outputs sit on the flat ends")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    for lyr in m.layers:
        if lyr.output or lyr.saturation is None or lyr.saturation <= th["saturation"]:
            continue
        yield Hit(f"{lyr.activation} layer {lyr.name} is saturated: {pct(lyr.saturation)} of its outputs sit on the "
                  "flat ends",
                  f"outputs beyond |pre-activation| 5: {pct(lyr.saturation_init)} at init, {pct(lyr.saturation_end)} "
                  "after training on the batch; its gradient there is under 1% of the maximum",
                  at=lyr.line, subject=lyr.name)
