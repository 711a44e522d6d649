"""PRB017: the model learns, but the script's epochs x steps stop it before it gets anywhere."""

from __future__ import annotations

from learnability.probe.checks.base import declare

CHECK = declare(
    id="PRB017", name="too-few-epochs", category="epochs", severity="warning",
    summary="The model learns, but the script's epochs x steps stop it before it gets anywhere.",
    rationale="Training accuracy after the script's own number of steps is still at chance while a longer run is "
              "clearly above it: more epochs (the projected number) are needed. The finding carries an edit of the "
              "script's epochs (a quick fix in the editor).",
    cases=("cases/too_few_epochs.py",),
    decided_in="probe.report (`_epochs_finding`: the held-out run's curve at the script's own steps and at the end)",
)
