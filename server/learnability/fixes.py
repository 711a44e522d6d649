"""Applying fixes: text edits on spans, merged and checked for overlap."""

from __future__ import annotations

from typing import Iterable

from learnability.findings import Finding, Span, TextEdit
from learnability.lines import dominant_ending, ending_of_line, line_starts


def _offset(source: str, starts: list[int], line: int, column: int) -> int:
    """The offset of (1-based line, code-point column), lines as Python counts them; a column past
    the line's end stays on that line (before its line end)."""
    if line < 1:
        return 0
    if line > len(starts):
        return len(source)
    if line < len(starts):
        end = starts[line]
        end -= 2 if source.startswith("\r\n", end - 2) else 1
    else:
        end = len(source)
    return min(starts[line - 1] + max(column, 0), end)


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits; an edit that overlaps one already taken is skipped.

    Lines end at "\\r\\n", "\\r" or "\\n" (as Python and the analysis count them); a line end in an
    edit's text becomes the end of the line the edit starts on, so every line keeps its own ending."""
    starts = line_starts(source)
    mixed = "\r" in source
    fallback = dominant_ending(source) if mixed else "\n"
    ranges = []
    for e in edits:
        a = _offset(source, starts, e.span.line, e.span.column)
        b = max(a, _offset(source, starts, e.span.end_line, e.span.end_column))
        text = e.new_text
        if mixed and "\n" in text:
            text = text.replace("\n", ending_of_line(source, starts, e.span.line) or fallback)
        ranges.append((a, b, text))
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
