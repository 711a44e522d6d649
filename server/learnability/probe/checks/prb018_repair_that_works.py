"""PRB018: nothing static explains the failure; a standard repair makes the model learn."""

from __future__ import annotations

from learnability.probe.checks.base import declare

CHECK = declare(
    id="PRB018", name="repair-that-works", category="optimizer", severity="warning",
    summary="Nothing static explains the failure; a standard repair makes the model learn.",
    rationale="From the same initial weights the probe tries, smallest first: learning rate x10 and /10, Adam instead "
              "of the optimizer, standardised inputs, standardised targets, relu + He initialisation, a first "
              "BatchNormalization; it reports the first that fits the batch (AutoTrainer's repairs, as a proven edit).",
    remedy="the catalog above, smallest change first",
    cases=("cases/sgd_lr_tiny.py",),
    decided_in="probe.plan.generic (which repairs the worker tries) and probe.report (`_repair_finding`: the first "
               "repair that fits the batch and learns the training slice)",
)
