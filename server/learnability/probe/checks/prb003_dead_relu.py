"""PRB003: most units of a ReLU layer output 0 on every sample."""

from __future__ import annotations

from collections.abc import Iterator

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import Layer, Measurement, fmt, pct, sample

_OUT = Layer("dense_1", "Dense", 6, "sigmoid", output=True)


@probe_check(
    id="PRB003", name="dead-relu", category="activation", severity="warning",
    summary="Most units of a ReLU layer output 0 on every sample.",
    rationale="A dead ReLU has zero gradient and never recovers; a layer mostly dead cannot learn (DeepDiagnosis). "
              "It counts when at least 70% of the units are dead after training and they died during it (+20 "
              "points), or more than 90% were dead from the start.",
    cases=("programs/buggy_binary_mlp_lr_raised.py",),
    valid=[Valid(sample(), "10% dead"),
           Valid(sample(layers=(Layer("dense", "Dense", 5, "relu", dead_fraction=0.75, dead_fraction_init=0.7), _OUT)),
                 "mostly dead, but already at init (70%) and not more than 90%: not training's doing"),
           Valid(sample(layers=(Layer("dense", "Dense", 5, "relu", dead_fraction=0.1, dead_fraction_init=0.0),
                                Layer("dense_1", "Dense", 6, "relu", output=True, dead_fraction=1.0))),
                 "only hidden layers are checked")],
    invalid=[Invalid(sample(layers=(Layer("dense", "Dense", 5, "relu", dead_fraction=0.97, dead_fraction_init=0.1,
                                          update_ratio=0.3), _OUT)),
                     "dead ReLUs: 97% of dense's units never activate"),
             Invalid(sample(layers=(Layer("dense", "Dense", 5, "relu", dead_fraction=0.95, dead_fraction_init=0.95),
                                    _OUT)),
                     "dead ReLUs: 95%", "dead from the start")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    for lyr in m.layers:
        if lyr.output:
            continue
        d_end, d_init = lyr.dead_fraction, lyr.dead_fraction_init or 0.0
        if d_end is not None and d_end >= th["dead_fraction"] and (d_end - d_init >= th["dead_growth"] or d_init > 0.9):
            yield Hit(f"dead ReLUs: {pct(d_end)} of {lyr.name}'s units never activate",
                      f"units with output 0 on all of 64 samples: {pct(lyr.dead_fraction_init)} at init, "
                      f"{pct(d_end)} after training on the batch (update ratio {fmt(lyr.update_ratio)} per step)",
                      at=lyr.line, subject=lyr.name)
