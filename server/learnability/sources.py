"""Reading files to analyse: Python sources and Jupyter notebooks (cells joined into one program)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from learnability.findings import AnalysisError, Finding, Span

MAX_BYTES = 20 * 1024 * 1024
_MAGIC = re.compile(r"^\s*(%|!|\?)")


class SourceError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Source:
    path: Path
    text: str
    # for notebooks: per program line (0-based) -> (cell index, line within cell, 0-based)
    cell_lines: list[tuple[int, int]] | None = None
    cells: list[str] = field(default_factory=list)
    notebook: dict | None = None

    def _map_line(self, line: int) -> tuple[int, int | None]:
        if self.cell_lines is None or not (1 <= line <= len(self.cell_lines)):
            return line, None
        cell, cline = self.cell_lines[line - 1]
        return cline + 1, cell

    def map_finding(self, f: Finding) -> Finding:
        if self.cell_lines is None:
            return f
        line, cell = self._map_line(f.span.line)
        end_line, _ = self._map_line(f.span.end_line)
        out = replace(f, span=Span(line, f.span.column, end_line, f.span.end_column), fix=None)
        out.data = dict(f.data, cell=cell)
        return out

    def map_error(self, e: AnalysisError) -> AnalysisError:
        if self.cell_lines is None:
            return e
        line, cell = self._map_line(e.line)
        return replace(e, line=line, message=f"cell {cell + 1 if cell is not None else '?'}: {e.message}")


def notebook_program(cells: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join code cells into one program; IPython magics and shell lines become blank lines."""
    lines: list[str] = []
    mapping: list[tuple[int, int]] = []
    for ci, cell in enumerate(cells):
        cell_lines = cell.splitlines()
        for li, line in enumerate(cell_lines):
            lines.append("" if _MAGIC.match(line) else line)
            mapping.append((ci, li))
        lines.append("")
        mapping.append((ci, len(cell_lines)))
    return "\n".join(lines) + "\n", mapping


def load_source(path: Path) -> Source:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise SourceError(f"{path} is {size // (1024 * 1024)} MB, above the {MAX_BYTES // (1024 * 1024)} MB limit")
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path} is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if path.suffix != ".ipynb":
        return Source(path, raw)
    try:
        nb = json.loads(raw)
        cells = ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                 for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    except (json.JSONDecodeError, AttributeError, TypeError) as exc:
        raise SourceError(f"{path} is not a valid notebook: {exc}") from None
    text, mapping = notebook_program(cells)
    return Source(path, text, mapping, cells, nb)


def write_source(src: Source, new_text: str) -> None:
    if src.cell_lines is not None:
        return  # notebooks are fixed from the editor, cell by cell; --fix leaves them as they are
    src.path.write_text(new_text, encoding="utf-8")
