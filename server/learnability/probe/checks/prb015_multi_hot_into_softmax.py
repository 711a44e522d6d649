"""PRB015: multi-hot labels (several 1s per row) are trained through a softmax output."""

from __future__ import annotations

from learnability.probe.checks.base import declare

CHECK = declare(
    id="PRB015", name="multi-hot-into-softmax", category="activation", severity="error",
    summary="Multi-hot labels (several 1s per row) are trained through a softmax output.",
    rationale="Softmax outputs sum to 1, so it cannot predict two labels at once; multi-label needs sigmoid outputs "
              "with binary crossentropy, which is retrained.",
    remedy="sigmoid output with binary crossentropy",
    cases=("cases/multi_hot_softmax.py",),
    decided_in="probe.plan.causes (measured in the data; the worker retrains its remedy) and probe.report "
               "(`_cause_finding`: the remedy's run compared with the run as written)",
)
