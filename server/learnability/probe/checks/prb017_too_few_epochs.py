"""PRB017: the model learns, but the script's epochs x steps stop it before it gets anywhere."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from learnability.probe.checks.base import Hit, Invalid, Thresholds, Valid, probe_check
from learnability.probe.record import HeldOut, Measurement, above_chance, fmt, pct, sample, steady_fall

# 2 epochs of 2 steps: at chance after the script's 4 steps, 90% after the probe's 40, the loss still falling
_SHORT = HeldOut(train_accuracy=0.9, held_out_accuracy=0.85, chance=0.5, train_samples=150, held_out_samples=50,
                 steps=40, margin=0.1, above_chance=True, loss=tuple(1.0 - 0.02 * i for i in range(40)),
                 user_steps=4, train_accuracy_at_user_steps=0.5)


@probe_check(
    id="PRB017", name="too-few-epochs", category="epochs", severity="warning",
    summary="The model learns, but the script's epochs x steps stop it before it gets anywhere.",
    rationale="Training accuracy after the script's own number of steps is still at chance while a longer run is "
              "clearly above it: more epochs (the projected number) are needed. The projection: the steps the "
              "probe's run needed (twice that while the loss still falls), at the script's steps per epoch. The "
              "finding carries an edit of the script's epochs (a quick fix in the editor).",
    cases=("cases/too_few_epochs.py",),
    valid=[Valid(sample(epochs=2, held=replace(_SHORT, train_accuracy_at_user_steps=0.85)),
                 "already above chance after the script's own steps"),
           Valid(sample(epochs=2, held=replace(_SHORT, train_accuracy=0.52)), "at chance after the longer run too"),
           Valid(sample(epochs=2, held=replace(_SHORT, user_steps=None)), "the run did not record the script's steps")],
    invalid=[Invalid(sample(epochs=2, held=_SHORT), "too few epochs: 2 epochs (4 steps) stop it before it learns; "
                                                    "about 40 are needed"),
             Invalid(sample(epochs=None, held=replace(_SHORT, loss=(0.5,) * 40)), "too few epochs: 1 epoch (4 steps)",
                     "epochs not a literal: read as 1; a flat loss needs no doubling")],
)
def decide(m: Measurement, th: Thresholds) -> Iterator[Hit]:
    held = m.held
    if held is None or held.user_steps is None or held.train_accuracy_at_user_steps is None:
        return
    u, steps = held.user_steps, held.steps or 0
    at_u, end, n = held.train_accuracy_at_user_steps, held.train_accuracy, held.train_samples
    reg = m.kind == "regression"
    ch = 0.0 if reg else held.chance
    if above_chance(at_u, ch, n, m.kind, th) is not False or above_chance(end, ch, n, m.kind, th) is not True:
        return
    epochs = m.epochs if m.epochs is not None else 1
    per_epoch = max(1, u // max(1, epochs))
    falling = steady_fall(list(held.loss), th)
    need = steps * (2 if falling else 1)
    projected = max(epochs + 1, int(math.ceil(need / per_epoch)))
    score = fmt if reg else pct
    yield Hit(f"too few epochs: {epochs} epoch{'s' if epochs != 1 else ''} ({u} steps) stop it before it learns; "
              f"about {projected} are needed",
              f"training {'R²' if reg else 'accuracy'} after the script's {u} steps {score(at_u)}"
              + ("" if reg else f" (chance {pct(ch)})") + f", after {steps} steps {score(end)}"
              + ("; the loss is still falling" if falling else "") + f"; {per_epoch} steps per epoch",
              data={"epochs": epochs, "projected_epochs": projected, "user_steps": u})
