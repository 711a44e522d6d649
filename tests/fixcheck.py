"""Checking a fix the way a user would see it: apply it, parse the result, re-analyse, and make sure
nothing outside the edited spans moved."""

from __future__ import annotations

import textwrap

import libcst
from conftest import analyze_text

from learnability.findings import Finding, Span
from learnability.fixes import apply_edits


def findings_of(source: str, rule: str, config=None) -> list[Finding]:
    return [f for f in analyze_text(source, config).findings if f.rule == rule]


def _offset(source: str, line: int, column: int) -> int:
    lines = source.splitlines(keepends=True)
    return sum(len(x) for x in lines[: line - 1]) + column


def apply_fix(source: str, rule: str, index: int = 0, config=None) -> str:
    """Apply the fix of the `index`-th `rule` finding; assert that the result parses, that only the
    fix's spans changed, and that this finding is gone (one fewer `rule` finding)."""
    source = textwrap.dedent(source)
    found = findings_of(source, rule, config)
    assert len(found) > index, f"expected a {rule} finding in:\n{source}"
    finding = found[index]
    assert finding.fix is not None, f"{rule} finding has no fix: {finding.message}"
    out = apply_edits(source, finding.fix.edits)
    assert out != source
    libcst.parse_module(out)
    spans: list[Span] = [e.span for e in finding.fix.edits]
    lo = min(_offset(source, s.line, s.column) for s in spans)
    hi = max(_offset(source, s.end_line, s.end_column) for s in spans)
    tail = len(source) - hi
    assert out[:lo] == source[:lo] and out[len(out) - tail:] == source[hi:], "text outside the fix's spans changed"
    after = findings_of(out, rule, config)
    assert len(after) < len(found), f"{rule} still reported after its fix:\n{out}"
    return out
