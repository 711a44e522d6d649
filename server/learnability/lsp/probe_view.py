"""How the last probe's findings read in the editor: verdict titles, the probe's result folded into a static
diagnostic's message, and which probe finding speaks about which static finding. Pure functions of the
typed report (`state.ProbeFinding`); placing them in documents is `publish.py`'s job."""

from __future__ import annotations

from typing import Any

from learnability.findings import Finding
from learnability.lsp.state import ProbeFinding, ProbeState

# The probe's verdicts as the user reads them (the report, the code lens, hovers, logs).
VERDICT_TITLES = {"learns": "Learns", "learns_slowly": "Learns slowly", "does_not_learn": "Does not learn",
                  "inconclusive": "Inconclusive", "error": "Probe error"}


def verdict_title(verdict: Any) -> str:
    """"does_not_learn" -> "Does not learn" (an unknown verdict: its words)."""
    text = str(verdict or "?")
    return VERDICT_TITLES.get(text, text.replace("_", " ").capitalize())


def verdict_for(state: ProbeState, f: Finding) -> ProbeFinding | None:
    """The probe finding that speaks about a static finding (same line preferred)."""
    candidates = [pf for pf in state.findings if pf.about(f.rule)]
    if not candidates:
        return None
    same_line = [pf for pf in candidates if pf.line == f.span.line]
    decided = [pf for pf in same_line or candidates if pf.confirmed is not None]
    return (decided or same_line or candidates)[0]


def folded(static_rules: dict[int, set[str]], pf: ProbeFinding) -> bool:
    """Whether a probe finding speaks about a static finding on its own line (the same rule, or one its
    `confirms` names): its verdict is then part of that diagnostic's message, not a diagnostic of its own.
    `static_rules`: program line -> the rules of the static findings there."""
    rules = static_rules.get(pf.line or 0)
    return bool(rules) and any(pf.about(rule) for rule in rules or ())


def probe_result(pf: ProbeFinding) -> str:
    """The probe's answer about a finding in a few words ("confirmed: fits in 6 steps instead of 26"): the
    report's `result`, or for reports without one its verdict alone. The evidence is the hover's and the report's."""
    if pf.result.strip():
        return pf.result.strip()
    if pf.source == "probe" or (pf.rule or "").startswith("PRB"):
        return "confirmed by measurement" if pf.confirmed is True else ""
    if pf.confirmed is None:
        return ""
    return {True: "confirmed by the probe", False: "probe: no measurable effect"}[pf.confirmed]


def message_suffix(state: ProbeState, f: Finding) -> str:
    """A short suffix for a static diagnostic the probe spoke about: " (confirmed: fits in 6 steps instead of 26)"."""
    pf = verdict_for(state, f)
    if pf is None:
        return ""
    result = probe_result(pf)
    return f" ({result})" if result else ""


def probe_message(pf: ProbeFinding) -> str:
    """The message of a probe finding's own diagnostic, with its result in a few words."""
    message = pf.message or "measured by the probe"
    result = probe_result(pf) if (pf.rule or "").startswith("LRN") else pf.result
    if result and result not in message:
        message = f"{message} ({result})"
    return message


def hover_results(state: ProbeState | None, findings: list[Finding], uri: str,
                  line0: int) -> tuple[list[str], list[str]]:
    """What the last probe says, for a hover: its result for each static finding in a few words ("" where it
    said nothing), and one line for each probe finding of its own on this line that no static finding there
    covers. The evidence in full is the report view's."""
    if state is None:
        return [""] * len(findings), []
    results = []
    for f in findings:
        pf = verdict_for(state, f)
        results.append(probe_result(pf).removeprefix("probe: ") if pf is not None else "")
    static_rules = {f.span.line: {g.rule for g in findings if g.span.line == f.span.line} for f in findings}
    extra = []
    for pf in state.findings:
        where = state.snapshot.where(pf.line) if pf.line is not None else None
        if where != (uri, line0 + 1) or not (pf.rule or "").startswith("PRB") or folded(static_rules, pf):
            continue
        extra.append(f"**Probe** ({pf.rule}): {pf.message}" + (f" ({pf.result})" if pf.result else ""))
    relabel = state.snapshot.relabel  # a notebook's program lines as "line n of cell C"
    return [relabel(r, uri) for r in results], [relabel(x, uri) for x in extra]
