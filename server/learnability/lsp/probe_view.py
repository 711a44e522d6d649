"""How the last probe's findings read in the editor: verdict titles, the evidence folded into a static
diagnostic's message, and which probe finding speaks about which static finding. Pure functions of the
typed report (`state.ProbeFinding`); placing them in documents is `publish.py`'s job."""

from __future__ import annotations

import re
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


# "confirmed:", "not confirmed:", "confirmed by measurement:", "confirmed by the probe —", "measured:" ...
_VERDICT_PREFIX = re.compile(
    r"^\s*(?:(?:not\s+)?(?:confirmed|refuted)(?:\s+by\s+(?:the\s+)?[a-z]+)?|measured)\s*(?:[:—–,]|-+)\s*", re.I)


def strip_verdict(text: Any) -> str:
    """The evidence without the verdict words it starts with (the message or hover says them)."""
    text = str(text or "").strip()
    while True:
        stripped = _VERDICT_PREFIX.sub("", text, count=1).strip()
        if stripped == text:
            return text
        text = stripped


def short_evidence(text: str, limit: int = 160) -> str:
    """The first clauses of the evidence, without a leading "confirmed:" (the message says it)."""
    text = strip_verdict(text)
    clauses = text.split("; ")
    out = clauses[0]
    for c in clauses[1:]:
        if len(out) + 2 + len(c) > limit:
            break
        out += "; " + c
    return out if len(out) <= limit else out[: limit - 1] + "…"


def message_suffix(state: ProbeState, f: Finding) -> str:
    """What the last probe says of a static finding, appended to its message."""
    pf = verdict_for(state, f)
    if pf is None:
        return ""
    evidence = short_evidence(pf.evidence or pf.message)
    if pf.confirmed is True:
        return f" (confirmed by probe: {evidence})" if evidence else " (confirmed by probe)"
    if pf.confirmed is False:
        return f" (probe: not confirmed — {evidence})" if evidence else " (not confirmed by the probe)"
    return ""


def probe_message(pf: ProbeFinding) -> str:
    """The message of a probe finding's own diagnostic."""
    evidence = short_evidence(pf.evidence, 200)
    message = pf.message or "measured by the probe"
    if evidence and evidence not in message:
        message = f"{message} (measured: {evidence})"
    return message


def evidence_md(pf: ProbeFinding) -> str:
    """A hover line: what the probe measured about one finding."""
    status = {True: "confirmed", False: "not confirmed", None: "inconclusive"}[pf.confirmed]
    evidence = strip_verdict(pf.evidence or pf.message)
    return f"**Measured by the probe** ({pf.rule or '?'}, {status}): {evidence}"
