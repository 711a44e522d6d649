"""PRB016: regression targets outside the output activation's range, or far from unit scale."""

from __future__ import annotations

from learnability.probe.checks.base import declare

CHECK = declare(
    id="PRB016", name="targets-do-not-fit-output", category="preprocessing", severity="error",
    summary="Regression targets outside the output activation's range, or far from unit scale.",
    rationale="A sigmoid output cannot reach targets 3..103, a relu output cannot go negative; targets of 1e8 make the "
              "loss 1e15 and the gradients useless. A linear output and/or standardised targets are retrained.",
    remedy="a linear output; standardised targets",
    cases=("cases/regression_sigmoid_targets.py", "cases/regression_huge_targets.py"),
    decided_in="probe.plan.target_misfit / causes (measured in the data; the worker retrains its remedy) and "
               "probe.report (`_cause_finding`: the remedy's run compared with the run as written)",
)
