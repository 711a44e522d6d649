"""PRB007: a learning-rate range test finds a rate that trains the model where the script's rate does not."""

from __future__ import annotations

from learnability.probe.checks.base import declare

CHECK = declare(
    id="PRB007", name="learning-rate-that-works", category="learning_rate", severity="warning",
    summary="A learning-rate range test finds a rate that trains the model where the script's rate does not.",
    rationale="Leslie Smith's range test on the batch: the loss against an exponentially rising rate; a tenth of the rate "
              "at the lowest loss is retrained from the same initial weights. The finding carries an edit of the "
              "script's rate literal (a quick fix in the editor).",
    remedy="the rate from the range test",
    decided_in="probe.report: the range test's run compared with the run as written (`compare`)",
)
