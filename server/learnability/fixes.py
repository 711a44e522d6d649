"""Applying fixes: text edits on spans, merged and checked for overlap."""

from __future__ import annotations

from typing import Iterable

from learnability.findings import Finding, Span, TextEdit


def _offsets(source: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(source):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _offset(starts: list[int], source: str, line: int, column: int) -> int:
    if line - 1 >= len(starts):
        return len(source)
    return min(starts[line - 1] + column, len(source))


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits; an edit that overlaps one already taken is skipped."""
    starts = _offsets(source)
    ranges = []
    for e in edits:
        a = _offset(starts, source, e.span.line, e.span.column)
        b = _offset(starts, source, e.span.end_line, e.span.end_column)
        ranges.append((a, b, e.new_text))
    ranges.sort(key=lambda r: (r[0], r[1]))
    taken: list[tuple[int, int, str]] = []
    last_end = -1
    for a, b, text in ranges:
        if a < last_end:
            continue
        taken.append((a, b, text))
        last_end = max(b, a + (1 if a == b else 0))
    out = source
    for a, b, text in reversed(taken):
        out = out[:a] + text + out[b:]
    return out


def apply_fixes(source: str, findings: Iterable[Finding], safe_only: bool = True) -> tuple[str, int]:
    """Apply the fixes of `findings` (each fix whole or not at all). Returns (new source, fixes applied)."""
    chosen: list[TextEdit] = []
    used: list[Span] = []
    count = 0
    for f in findings:
        if f.fix is None or (safe_only and not f.fix.safe):
            continue
        spans = [e.span for e in f.fix.edits]
        if any(_overlap(s, u) for s in spans for u in used):
            continue
        chosen.extend(f.fix.edits)
        used.extend(spans)
        count += 1
    return apply_edits(source, chosen), count


def _overlap(a: Span, b: Span) -> bool:
    a0, a1 = (a.line, a.column), (a.end_line, a.end_column)
    b0, b1 = (b.line, b.column), (b.end_line, b.end_column)
    if a0 == a1 or b0 == b1:
        return a0 == b0 or (b0 < a0 < b1) or (a0 < b0 < a1)
    return a0 < b1 and b0 < a1
