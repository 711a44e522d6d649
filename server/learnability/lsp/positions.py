"""Columns: the engine counts code points, LSP clients count UTF-16 code units (or UTF-8 / UTF-32
when negotiated). Everything that crosses the wire goes through here."""

from __future__ import annotations

from typing import Any, Sequence

from lsprotocol import types

from learnability.findings import Span
from learnability.lines import split_lines as split_lines  # (re-exported: lines as LSP and Python count them)


def units(text: str, encoding: str) -> int:
    """Length of `text` in the client's units."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    if text.isascii():
        return len(text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def to_client_column(line_text: str, column: int, encoding: str) -> int:
    """A code-point column on `line_text` in client units (clamped to the line)."""
    if column <= 0:
        return 0
    column = min(column, len(line_text))
    if encoding == "utf-32" or line_text.isascii():
        return column
    return units(line_text[:column], encoding)


def from_client_column(line_text: str, column: int, encoding: str) -> int:
    """A client-unit column on `line_text` in code points."""
    if column <= 0:
        return 0
    if encoding == "utf-32" or line_text.isascii():
        return column
    count = 0
    for i, ch in enumerate(line_text):
        if count >= column:
            return i
        count += units(ch, encoding)
    return len(line_text)


class LineMap:
    """Converts engine spans (1-based lines, code-point columns) to LSP ranges on one text."""

    def __init__(self, lines: Sequence[str], encoding: str = "utf-16", line_offset: int = 0) -> None:
        self.lines = lines
        self.encoding = encoding
        self.line_offset = line_offset  # subtracted from engine lines (notebook cells)

    def text(self, line0: int) -> str:
        """The text of line `line0` (0-based) without its line end; "" beyond the document."""
        if 0 <= line0 < len(self.lines):
            return self.lines[line0].rstrip("\r\n")
        return ""

    def position(self, line: int, column: int) -> types.Position:
        line0 = max(0, line - 1 - self.line_offset)
        return types.Position(line=line0, character=to_client_column(self.text(line0), column, self.encoding))

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.line, span.column),
                           end=self.position(span.end_line, span.end_column))

    def code_point_column(self, position: types.Position) -> int:
        return from_client_column(self.text(position.line), position.character, self.encoding)


def encoding_of(server: Any) -> str:
    enc = None
    try:
        enc = server.workspace.position_encoding
    except Exception:  # before initialize
        enc = None
    value = getattr(enc, "value", enc)
    return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"


def range_contains(outer: types.Range, inner: types.Range) -> bool:
    return _le(outer.start, inner.start) and _le(inner.end, outer.end)


def ranges_overlap(a: types.Range, b: types.Range) -> bool:
    """Touching counts: a cursor at either end of a flagged range is on it."""
    return _le(a.start, b.end) and _le(b.start, a.end)


def _le(p: types.Position, q: types.Position) -> bool:
    return (p.line, p.character) <= (q.line, q.character)
