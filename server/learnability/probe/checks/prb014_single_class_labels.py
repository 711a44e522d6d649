"""PRB014: every label in the training slice is the same class."""

from __future__ import annotations

from learnability.probe.checks.base import declare

CHECK = declare(
    id="PRB014", name="single-class-labels", category="data", severity="error",
    summary="Every label in the training slice is the same class.",
    rationale="Labels divided by 255 like the images, or a filter gone wrong, leave one class: the model 'fits' by "
              "predicting it and learns nothing. Labels multiplied back are retrained.",
    remedy="labels multiplied back by the factor they were divided by",
    cases=("cases/labels_div255.py",),
    decided_in="probe.plan.causes (measured in the data; the worker retrains its remedy) and probe.report "
               "(`_cause_finding`: the remedy's run compared with the run as written)",
)
