"""Reading files to analyse: Python sources and Jupyter notebooks (cells joined into one program).

Findings on a notebook's joined program are mapped back to (cell, line in cell); `--fix` on a
notebook edits the cell sources inside the notebook's JSON and leaves everything else as it was.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from learnability.findings import AnalysisError, Finding, Fix, Span, TextEdit

MAX_BYTES = 20 * 1024 * 1024
_MAGIC = re.compile(r"^\s*(%|!|\?)")


class SourceError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Source:
    path: Path
    text: str  # what is analysed: the file (newlines as "\n"), or a notebook's joined code cells
    # for notebooks: per program line (0-based) -> (code cell ordinal, line within cell, 0-based)
    cell_lines: list[tuple[int, int]] | None = None
    cells: list[str] = field(default_factory=list)  # code cell sources, in order
    notebook: dict | None = None
    cell_numbers: list[int] = field(default_factory=list)  # code cell ordinal -> 1-based cell number in the notebook
    newline: str = "\n"  # the file's own line ending, restored on write
    bom: bool = False
    indent: int | None = 1  # a notebook's JSON indent, restored on write

    @property
    def is_notebook(self) -> bool:
        return self.cell_lines is not None

    def _map_line(self, line: int) -> tuple[int, int | None]:
        """Program line (1-based) -> (line in cell, 1-based; code cell ordinal or None)."""
        if self.cell_lines is None or not (1 <= line <= len(self.cell_lines)):
            return line, None
        cell, cline = self.cell_lines[line - 1]
        return cline + 1, cell

    def _map_span(self, span: Span) -> tuple[Span, int | None, bool]:
        """(span in cell coordinates, code cell ordinal, whether the span stays inside that cell)."""
        line, cell = self._map_line(span.line)
        end_line, end_cell = self._map_line(span.end_line)
        if end_cell != cell:  # a span that runs past its cell (into the separator line): clip it
            return Span(line, span.column, line, max(span.column, len(self._cell_line(cell, line)))), cell, False
        return Span(line, span.column, end_line, span.end_column), cell, True

    def _cell_line(self, cell: int | None, line: int) -> str:
        if cell is None or not (0 <= cell < len(self.cells)):
            return ""
        lines = _lines(self.cells[cell])
        return lines[line - 1] if 1 <= line <= len(lines) else ""

    def cell_number(self, ordinal: int | None) -> int | None:
        if ordinal is None or not (0 <= ordinal < len(self.cell_numbers)):
            return None
        return self.cell_numbers[ordinal]

    def map_finding(self, f: Finding) -> Finding:
        """A finding on the joined program -> one on its cell (`data["cell"]`: 1-based cell number).
        Its fix is kept when every edit lies inside that same cell, else dropped."""
        if self.cell_lines is None:
            return f
        span, cell, _ = self._map_span(f.span)
        fix = None
        if f.fix is not None:
            edits = []
            for e in f.fix.edits:
                espan, ecell, inside = self._map_span(e.span)
                if ecell != cell or not inside:
                    break
                edits.append(TextEdit(espan, e.new_text))
            else:
                fix = Fix(f.fix.title, tuple(edits), f.fix.safe)
        related = [replace(r, span=self._map_span(r.span)[0]) for r in f.related]
        out = replace(f, span=span, fix=fix, related=related)
        out.data = dict(f.data, cell=self.cell_number(cell), cell_ordinal=cell)
        return out

    def map_error(self, e: AnalysisError) -> AnalysisError:
        if self.cell_lines is None:
            return e
        line, cell = self._map_line(e.line)
        number = self.cell_number(cell)
        where = f"cell {number}: " if number is not None else ""
        return replace(e, line=line, cell=number, message=where + e.message)


def _lines(text: str) -> list[str]:
    """Lines as Python counts them (at "\\n", a trailing "\\r" dropped), without their ends."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


_LINE_MAGIC_OR_SHELL = re.compile(r"^\s*(?:[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)?(%|!)")


def magic_continuations(lines: list[str]) -> set[int]:
    """The indices of the lines that continue a line magic or shell escape ending in a backslash
    (`!tensorboard dev upload --logdir ./logs \\` then `  --name "run"`): IPython joins them into one
    command, so they are not Python either."""
    out: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        if _LINE_MAGIC_OR_SHELL.match(lines[i]):
            while lines[j].rstrip().endswith("\\") and j + 1 < len(lines):
                j += 1
                out.add(j)
        i = j + 1
    return out


def notebook_program(cells: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join code cells into one program; IPython magics and shell lines (with the lines they continue)
    become blank lines."""
    lines: list[str] = []
    mapping: list[tuple[int, int]] = []
    for ci, cell in enumerate(cells):
        cell_lines = _lines(cell)
        continued = magic_continuations(cell_lines)
        for li, line in enumerate(cell_lines):
            lines.append("" if _MAGIC.match(line) or li in continued else line)
            mapping.append((ci, li))
        lines.append("")
        mapping.append((ci, len(cell_lines)))
    return "\n".join(lines) + "\n", mapping


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(str(s) for s in source)
    return str(source)


def _json_indent(raw: str) -> int | None:
    m = re.search(r"^\{\s*\n( *)\"", raw)
    return len(m.group(1)) if m else None


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def os_reason(path: Path, exc: OSError) -> str:
    """Why a path cannot be read, in words (a symbolic link loop, a broken link, permission denied...)."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENOENT and os.path.lexists(path):
        return "a broken symbolic link"
    return exc.strerror or str(exc)


def read_regular_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of `path` if it is a regular file (a symbolic link to one counts) of at most `limit` bytes;
    SourceError saying why not otherwise. Never blocks on a FIFO and never reads a device: the type is
    checked before opening, the open does not wait for a writer (O_NONBLOCK), the opened file is checked
    again (it may have been swapped), and at most `limit` + 1 bytes are read."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {os_reason(path, exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(f"{path} is {file_kind(st.st_mode)}, not a regular file: not read")
    if st.st_size > limit:
        raise SourceError(_too_big(path, st.st_size, limit))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
        with open(fd, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise SourceError(f"{path} is {file_kind(mode)}, not a regular file: not read")
            data = f.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {os_reason(path, exc)}") from None
    if len(data) > limit:
        raise SourceError(_too_big(path, len(data), limit))
    return data


def _too_big(path: Path, size: int, limit: int) -> str:
    return f"{path} is {size // (1024 * 1024)} MB, above the {limit // (1024 * 1024)} MB limit"


def load_source(path: Path) -> Source:
    data = read_regular_file(path)
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})", line) from None
    if path.suffix != ".ipynb":
        newline = "\r\n" if "\r\n" in raw else "\n"
        return Source(path, raw.replace("\r\n", "\n"), newline=newline, bom=bom)
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not a valid notebook: {exc.msg} (line {exc.lineno})", exc.lineno) from None
    return notebook_source(path, nb, _json_indent(raw))


def notebook_source(path: Path, nb: Any, indent: int | None = 1) -> Source:
    """A Source for a notebook object (its code cells joined into one program)."""
    raw_cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(raw_cells, list):
        raise SourceError(f"{path} is not a valid notebook: no 'cells' list")
    cells, numbers = [], []
    for number, cell in enumerate(raw_cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cells.append(_cell_text(cell))
            numbers.append(number)
    text, mapping = notebook_program(cells)
    return Source(path, text, mapping, cells, nb, numbers, indent=indent)


def write_source(src: Source, new_text: str) -> None:
    """Write a Python file's new text (keeping its line endings and BOM). Notebooks: see write_notebook_cells."""
    if src.is_notebook:
        raise ValueError("write_source writes Python files; notebooks go through fix_notebook")
    text = new_text.replace("\n", src.newline) if src.newline != "\n" else new_text
    src.path.write_bytes((b"\xef\xbb\xbf" if src.bom else b"") + text.encode("utf-8"))


def fix_notebook(src: Source, mapped: Iterable[Finding], safe_only: bool = True) -> tuple[dict | None, int]:
    """Apply the fixes of findings already mapped to cells (`map_finding`) to the cell sources.

    Returns (a new notebook object, or None when nothing changed; fixes applied). `src` is not modified."""
    import copy

    from learnability.fixes import apply_fixes

    assert src.notebook is not None
    notebook = copy.deepcopy(src.notebook)
    by_cell: dict[int, list[Finding]] = {}
    for f in mapped:
        ordinal = f.data.get("cell_ordinal")
        if f.fix is not None and ordinal is not None:
            by_cell.setdefault(ordinal, []).append(f)
    code_cells = [c for c in notebook["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]
    total = 0
    for ordinal, findings in by_cell.items():
        cell = code_cells[ordinal]
        old = _cell_text(cell)
        new, count = apply_fixes(old, findings, safe_only=safe_only)
        if count and new != old:
            cell["source"] = new.splitlines(keepends=True) if isinstance(cell.get("source"), list) else new
            total += count
    return (notebook if total else None), total


def write_notebook(src: Source, notebook: dict) -> None:
    text = json.dumps(notebook, indent=src.indent, ensure_ascii=False)
    src.path.write_text(text + "\n", encoding="utf-8")
