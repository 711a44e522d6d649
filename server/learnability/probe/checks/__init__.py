"""The probe's checks (PRB###) as a registry, like the rules: one module each (`prb###_name.py`), with what it
measures, why, its decision over the typed measurement record (`probe.record.Measurement`) and its cases.

Separate from the static rules' registry (`learnability.rules`): a probe check reads the measurement
record of a training run, not the source. `learnability rules` / `explain` and docs/rules.md list both.
The worker only measures; the parent decides: each check here, the verdict (`report.decide_verdict`) and the
summary (`report.summarise`) apart. Checks decided on the comparison of two runs say where (`decided_in`).
"""

from __future__ import annotations

import importlib
import pkgutil

from learnability.probe.checks.base import PROBE_CHECKS, Hit, Invalid, ProbeCheck, Valid, probe_check

for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("prb")):
    importlib.import_module(f"{__name__}.{_mod}")

__all__ = ["PROBE_CHECKS", "Hit", "Invalid", "ProbeCheck", "Valid", "all_checks", "get_check", "markdown", "probe_check"]


def all_checks() -> list[ProbeCheck]:
    return [PROBE_CHECKS[k] for k in sorted(PROBE_CHECKS)]


def get_check(check_id: str) -> ProbeCheck | None:
    return PROBE_CHECKS.get(check_id.upper())


def markdown() -> list[str]:
    """The probe checks' section of docs/rules.md (scripts/gen_rule_docs.py appends it after the rules)."""
    out = ["", "# Probe checks", "",
           f"{len(PROBE_CHECKS)} checks of `learnability probe`, which trains the model briefly and measures. They read a "
           "training run, not the source, so they cannot be suppressed per line; their thresholds are configurable "
           "in `[tool.learnability.probe.thresholds]`. Category `symptom` is what training shows, not a cause.", "",
           "| id | name | category | severity | remedy tried |", "|---|---|---|---|---|"]
    for c in all_checks():
        out.append(f"| [{c.id}](#{c.id.lower()}) | {c.name} | {c.category} | {c.severity} | {c.remedy.replace('|', '/')} |")
    for c in all_checks():
        out += ["", *check_markdown(c)]
    return out


def check_markdown(c: ProbeCheck) -> list[str]:
    """One check's section (docs/rules.md, and the editor's Explain)."""
    out = [f"### {c.id}", "", f"**{c.name}** · category `{c.category}` · severity `{c.severity}`", "",
           c.summary, "", f"**Why.** {c.rationale}"]
    if c.remedy:
        out += ["", f"**Remedy tried.** {c.remedy}"]
    if c.decide is not None:
        out += ["", f"**Cases.** {len(c.invalid)} measurement records on which it fires, {len(c.valid)} on which "
                    f"it stays silent (`server/learnability/probe/checks/`), run without TensorFlow"
                    + ("; programs: " + ", ".join(f"`tests/probe/{case}`" for case in c.cases) if c.cases else "")
                    + "."]
    else:
        out += ["", f"**Decided in** {c.decided_in}."]
        if c.cases:
            out += ["", "**Cases.** " + ", ".join(f"`tests/probe/{case}`" for case in c.cases)]
    return out
