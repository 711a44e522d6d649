"""PRB090-PRB093: the probe could not measure (the script failed, never reached fit, timed out, or the probe failed).

Not checks of a training run but outcomes of the run itself, reported by probe.report's error paths
(`build_report`, `error_report`); registered so that `learnability rules` / `explain` and docs list them."""

from __future__ import annotations

from learnability.probe.checks.base import declare

_WHERE = "probe.report.build_report (the worker's messages about the run as written)"

declare(id="PRB090", name="script-failed", category="api", severity="error",
        summary="The script raised an exception before fit.",
        rationale="The probe runs the script until fit; an exception before that is reported on its line.",
        decided_in=_WHERE)
declare(id="PRB091", name="no-fit-call", category="api", severity="info",
        summary="The script never reached Model.fit.",
        rationale="Scripts that train with train_on_batch or a custom loop can mark what to probe with "
                  "learnability.probe.target(model, x, y).",
        decided_in=_WHERE)
declare(id="PRB092", name="timed-out", category="api", severity="error",
        summary="The probe's time limit stopped the script.",
        rationale="A hard timeout ends the worker's whole process group.",
        decided_in=_WHERE)
declare(id="PRB093", name="probe-failed", category="api", severity="error",
        summary="The probe itself failed (or could not use the data).",
        rationale="An internal error or data the probe cannot read; the message says which.",
        decided_in=_WHERE + " and probe.report.error_report")
