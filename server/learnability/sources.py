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
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from learnability.findings import AnalysisError, Finding, Fix, Span, TextEdit
from learnability.lines import lines_with_ends, scan_line, split_lines, to_lf

MAX_BYTES = 20 * 1024 * 1024


_LINE_REF = re.compile(r"\bline (\d+)\b")


def relabel_lines(message: str, label: Callable[[int], str | None]) -> str:
    """A message with the program lines it cites ("made on line 21") rewritten by `label` (notebooks:
    "line 6 of cell 4"); a line `label` does not know stays as it is."""
    return _LINE_REF.sub(lambda m: label(int(m.group(1))) or m.group(), message)


# A probe report's items that name a place in the program, and its texts that may cite "line N".
_REPORT_PLACES = ("findings", "layers")
_REPORT_TEXTS = ("summary", "message")
_ITEM_TEXTS = ("message", "evidence")


def report_in_cells(report: dict[str, Any], locate: Callable[[int], tuple[int, int] | None]) -> dict[str, Any]:
    """A probe report on a notebook's joined program, with every line the user reads counted in its cell:
    each finding's and layer's `line` (and a fix edit's, a traceback frame's) becomes the line in its cell, with `cell`, the
    cell's number as the notebook shows it; "line N" in the summary, messages and evidence becomes "line n
    of cell C". `locate(program line)` -> (cell number, line in cell), or None for a line outside the
    cells. A copy: the report itself (program lines, what the probe's findings are matched by) is kept."""
    import copy

    out = copy.deepcopy(report)

    def label(line: int) -> str | None:
        found = locate(line)
        return f"line {found[1]} of cell {found[0]}" if found else None

    def text(value: Any) -> Any:
        if isinstance(value, str):
            return relabel_lines(value, label)
        if isinstance(value, list):
            return [text(v) for v in value]
        if isinstance(value, dict):
            return {k: text(v) for k, v in value.items()}
        return value

    def place(item: dict[str, Any]) -> None:
        line = item.get("line")
        found = locate(line) if isinstance(line, int) and not isinstance(line, bool) else None
        if found is None:
            return
        cell, cline = found
        end = item.get("end_line")
        end_found = locate(end) if isinstance(end, int) and not isinstance(end, bool) else None
        item["cell"], item["line"] = cell, cline
        if "end_line" in item:
            if end_found is not None and end_found[0] == cell:
                item["end_line"] = end_found[1]
            else:  # a span that runs past its cell: it ends on its first line
                item["end_line"], item["end_column"] = cline, None

    for key in _REPORT_TEXTS:
        if key in out:
            out[key] = text(out[key])
    for key in _REPORT_PLACES:
        for item in out.get(key) or []:
            if not isinstance(item, dict):
                continue
            place(item)
            for t in _ITEM_TEXTS:
                if t in item:
                    item[t] = text(item[t])
            fix = item.get("fix")
            for edit in (fix.get("edits") or []) if isinstance(fix, dict) else []:
                if isinstance(edit, dict):
                    place(edit)
            data = item.get("data")
            for frame in (data.get("traceback") or []) if isinstance(data, dict) else []:
                if isinstance(frame, dict):  # a failed script's own frames
                    place(frame)
    return out


class SourceError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Source:
    path: Path
    text: str  # what is analysed: the file (line ends as "\n"), or a notebook's joined code cells
    # for notebooks: per program line (0-based) -> (code cell ordinal, line within cell, 0-based)
    cell_lines: list[tuple[int, int]] | None = None
    cells: list[str] = field(default_factory=list)  # code cell sources, in order
    notebook: dict[str, object] | None = None  # the parsed notebook JSON, as read
    cell_numbers: list[int] = field(default_factory=list)  # code cell ordinal -> 1-based cell number in the notebook
    raw: str | None = None  # the file's text as read (own line ends; a notebook's JSON), what --fix edits
    bom: bool = False
    cell_indices: list[int] = field(default_factory=list)  # code cell ordinal -> index in notebook["cells"]

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

    def locate(self, line: int) -> tuple[int, int] | None:
        """Program line (1-based) -> (the cell's number in the notebook, line in the cell); None for a
        plain file or a line outside the cells. (A cell's trailing separator line is its last line.)"""
        cline, ordinal = self._map_line(line)
        number = self.cell_number(ordinal)
        if number is None or ordinal is None:
            return None
        return number, max(1, min(cline, len(_lines(self.cells[ordinal])) or 1))

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

        def label(line: int) -> str | None:
            cline, ccell = self._map_line(line)
            if ccell is None:
                return None
            return f"line {cline}" if ccell == cell else f"line {cline} of cell {self.cell_number(ccell)}"

        out = replace(f, span=span, fix=fix, related=related, message=relabel_lines(f.message, label))
        out.data = dict(f.data, cell=self.cell_number(cell), cell_ordinal=cell)
        return out

    def map_error(self, e: AnalysisError) -> AnalysisError:
        if self.cell_lines is None:
            return e
        line, cell = self._map_line(e.line)
        if cell is not None:  # an error at the blank line after a cell (an unclosed bracket): its last line
            line = max(1, min(line, len(_lines(self.cells[cell]))))
        return replace(e, line=line, cell=self.cell_number(cell))  # the cell is in `cell`, not the message


def _lines(text: str) -> list[str]:
    """Lines as Python counts them (ends "\\r\\n", "\\r", "\\n"), without their ends; no empty last line."""
    lines = split_lines(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# IPython's input transformations (IPython.core.inputtransformer2), recognised without IPython:
# a cell magic is the first line of a cell (after blank lines); `name = !cmd` / `name = %magic` assign
# a shell's or a magic's output; `%`, `!` and help (`obj?`, `??obj`) lines anywhere, indented too.
_CELL_MAGIC = re.compile(r"%%(\w*)")
# Cell magics that run their body as Python in the notebook's namespace: the body is analysed.
PYTHON_CELL_MAGICS = frozenset({"time", "capture"})
_ASSIGN_MAGIC = re.compile(r"(\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)(!|%)")
_HELP = re.compile(r"\s*(?:\?\??\s*%{0,2}[\w.*]+|%{0,2}[\w.*]+\s*\?\??)\s*$")
_TIMED = re.compile(r"(%time\s+)(?!-)\S")  # `%time f()` runs `f()` once, in the notebook's namespace


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _python_line(line: str, in_block: bool) -> str:
    """One notebook line as Python with the same columns: IPython syntax becomes `pass` (in an
    indented block, which must not end up empty) or a blank line; `y = %time f()` -> `y =       f()`,
    `files = !ls` -> `files = ...`."""
    m = _ASSIGN_MAGIC.match(line)
    if m is not None:
        rest = line[m.end(1):]
        timed = _TIMED.match(rest)
        if timed is not None:
            return m.group(1) + " " * len(timed.group(1)) + rest[len(timed.group(1)):]
        return m.group(1) + "..."
    stripped = line.lstrip(" \t")
    if stripped[:1] in ("%", "!") or _HELP.match(line):
        timed = _TIMED.match(stripped)
        if timed is not None:
            return line[: _indent(line)] + "pass;" + " " * (len(timed.group(1)) - 5) + stripped[len(timed.group(1)):]
        return line[: _indent(line)] + "pass" if in_block and _indent(line) else ""
    return line


def cell_python_lines(cell: str) -> list[str]:
    """A notebook cell's lines as Python (one for one, same columns); a cell run by a non-Python
    cell magic (`%%bash`, `%%writefile`...) becomes blank lines."""
    lines = _lines(cell)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        m = _CELL_MAGIC.match(lines[first])
        if m is not None:
            if m.group(1) not in PYTHON_CELL_MAGICS:
                return [""] * len(lines)
            lines = lines[:first] + [""] + lines[first + 1:]
    out = []
    code_indents: list[int] = []  # indentation of the code lines so far
    depth, quote, cont = 0, None, False  # as IPython, only a logical line's start can be IPython syntax
    for line in lines:
        starts_logical_line = depth == 0 and quote is None and not cont
        depth, quote, cont = scan_line(line, depth, quote)
        if not starts_logical_line or not line.strip() or line.lstrip().startswith("#"):
            out.append(line)
            continue
        in_block = bool(code_indents) and min(code_indents) < _indent(line)
        new = _python_line(line, in_block)
        if new is line:
            code_indents.append(_indent(line))
        else:
            depth, quote, cont = 0, None, False  # what follows a magic is not Python: no open bracket
        out.append(new)
    return out


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
    """Join code cells into one program, a blank line after each; IPython syntax (magics, shell
    lines, help) becomes Python that does nothing (`cell_python_lines`), line for line."""
    lines: list[str] = []
    mapping: list[tuple[int, int]] = []
    for ci, cell in enumerate(cells):
        cell_lines = cell_python_lines(cell)
        continued = magic_continuations(_lines(cell))  # `!cmd \` continues on the next lines: shell too
        for li, line in enumerate(cell_lines):
            lines.append("" if li in continued else line)
            mapping.append((ci, li))
        lines.append("")
        mapping.append((ci, len(cell_lines)))
    return "\n".join(lines) + "\n", mapping


def _cell_text(cell: dict[str, object]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(str(s) for s in source)
    return str(source)


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
    return (f"{path} is {size:,} bytes ({size / 2**20:.2f} MB), above the {limit // 2**20} MB limit "
            f"({limit:,} bytes)")


def load_source(path: Path) -> Source:
    data = read_regular_file(path)
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})", line) from None
    if path.suffix != ".ipynb":
        return Source(path, to_lf(raw), raw=raw, bom=bom)
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not a valid notebook: {exc.msg} (line {exc.lineno})", exc.lineno) from None
    src = notebook_source(path, nb)
    src.raw, src.bom = raw, bom
    return src


def notebook_source(path: Path, nb: object) -> Source:
    """A Source for a notebook object (its code cells joined into one program)."""
    raw_cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(nb, dict) or not isinstance(raw_cells, list):
        raise SourceError(f"{path} is not a valid notebook: no 'cells' list")
    cells: list[str] = []
    numbers: list[int] = []
    indices: list[int] = []
    for index, cell in enumerate(raw_cells):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cells.append(_cell_text(cell))
            numbers.append(index + 1)
            indices.append(index)
    text, mapping = notebook_program(cells)
    return Source(path, text, mapping, cells, nb, numbers, cell_indices=indices)


# --------------------------------------------------------------------------- --fix
def fixed_source(src: Source, findings: Iterable[Finding], safe_only: bool = True) -> tuple[Source | None, int]:
    """The source with the fixes of `findings` (on `src.text`) applied to the file's own text: every
    byte outside the fixes' spans as it was (line ends, BOM; for a notebook the JSON around the edited
    cells' sources). Returns (the new source, or None when nothing changed; fixes applied)."""
    from learnability.fixes import apply_fixes

    if src.raw is None:
        raise ValueError("fixed_source needs a source read from a file (load_source)")
    if not src.is_notebook:
        new_raw, count = apply_fixes(src.raw, findings, safe_only=safe_only)
        if not count or new_raw == src.raw:
            return None, 0
        return Source(src.path, to_lf(new_raw), raw=new_raw, bom=src.bom), count
    by_cell: dict[int, list[Finding]] = {}
    for f in findings:
        f = src.map_finding(f)
        ordinal = f.data.get("cell_ordinal")
        if f.fix is not None and ordinal is not None:
            by_cell.setdefault(ordinal, []).append(f)
    new_cells: dict[int, str] = {}
    total = 0
    for ordinal, cell_findings in sorted(by_cell.items()):
        old = src.cells[ordinal]
        new, count = apply_fixes(old, cell_findings, safe_only=safe_only)
        if count and new != old:
            new_cells[src.cell_indices[ordinal]] = new
            total += count
    if not new_cells:
        return None, 0
    new_raw = splice_cell_sources(src.raw, new_cells)
    out = notebook_source(src.path, json.loads(new_raw))
    out.raw, out.bom = new_raw, src.bom
    return out, total


def splice_cell_sources(raw: str, new_sources: dict[int, str]) -> str:
    """The notebook JSON `raw` with the "source" of cells (index in "cells" -> new text) replaced and
    every other byte kept: indentation, key order, line ends, escaping. A list source keeps its
    untouched items as written; the changed part is split after each line end, as Jupyter does."""
    spans = _source_values(raw, set(new_sources))
    ascii_only = raw.isascii() and re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])", raw)
    parts: list[str] = []
    pos = 0
    for index in sorted(new_sources):
        if index not in spans:
            raise ValueError(f"cell {index + 1} has no source in the notebook's JSON")
        start, end, items = spans[index]
        parts.append(raw[pos:start])
        parts.append(_source_json(raw, start, end, items, new_sources[index], bool(ascii_only)))
        pos = end
    parts.append(raw[pos:])
    out = "".join(parts)
    check = json.loads(out)["cells"]
    for index, text in new_sources.items():  # the splice must say exactly what was meant
        if _cell_text(check[index]) != text:
            raise ValueError("notebook splice mismatch (a bug; the file was not written)")
    return out


_DECODER = json.JSONDecoder()
_WS = " \t\r\n"


def _skip(raw: str, i: int) -> int:
    while i < len(raw) and raw[i] in _WS:
        i += 1
    return i


def _members(raw: str, i: int) -> list[tuple[str, int, int]]:
    """The (key, value start, value end) of the JSON object at `i` (values skipped by json's scanner)."""
    out = []
    if raw[i] != "{":
        raise ValueError("expected a JSON object")
    i = _skip(raw, i + 1)
    while raw[i] != "}":
        key, i = _DECODER.raw_decode(raw, i)
        i = _skip(raw, _skip(raw, i) + 1)  # past ':'
        _, end = _DECODER.raw_decode(raw, i)
        out.append((key, i, end))
        i = _skip(raw, end)
        if raw[i] == ",":
            i = _skip(raw, i + 1)
    return out


def _items(raw: str, i: int) -> list[tuple[int, int]]:
    """The (start, end) of each value of the JSON array at `i`."""
    out = []
    i = _skip(raw, i + 1)
    while raw[i] != "]":
        _, end = _DECODER.raw_decode(raw, i)
        out.append((i, end))
        i = _skip(raw, end)
        if raw[i] == ",":
            i = _skip(raw, i + 1)
    return out


def _source_values(raw: str, wanted: set[int]) -> dict[int, tuple[int, int, list[tuple[int, int]] | None]]:
    """For each wanted cell index: where its "source" value is in `raw`, and its items if a list."""
    top = {key: (a, b) for key, a, b in _members(raw, _skip(raw, 0))}
    out = {}
    for index, (a, _) in enumerate(_items(raw, top["cells"][0])):
        if index in wanted:
            members = {key: (va, vb) for key, va, vb in _members(raw, a)}
            if "source" in members:
                va, vb = members["source"]
                out[index] = (va, vb, _items(raw, va) if raw[va] == "[" else None)
    return out


def _source_json(raw: str, start: int, end: int, items: list[tuple[int, int]] | None, text: str,
                 ascii_only: bool) -> str:
    def enc(value: str) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)

    if items is None:
        return enc(text)
    old = [json.loads(raw[a:b]) for a, b in items]
    p, pos = 0, 0  # untouched items at the start...
    while p < len(old) and isinstance(old[p], str) and text.startswith(old[p], pos):
        pos += len(old[p])
        p += 1
    q, stop = len(old), len(text)  # ...and at the end
    while q > p and isinstance(old[q - 1], str) and stop - len(old[q - 1]) >= pos and text.endswith(old[q - 1], pos, stop):
        stop -= len(old[q - 1])
        q -= 1
    new_items: list[tuple[str, int | None]] = [(raw[a:b], k) for k, (a, b) in enumerate(items[:p])]
    new_items += [(enc(line), None) for line in lines_with_ends(text[pos:stop])]
    new_items += [(raw[a:b], q + k) for k, (a, b) in enumerate(items[q:])]
    if not items:  # an empty list (no fix edits an empty cell; kept for completeness)
        return "[" + ", ".join(s for s, _ in new_items) + "]"
    opening, closing = raw[start + 1:items[0][0]], raw[items[-1][1]:end - 1]
    generic = raw[items[0][1]:items[1][0]] if len(items) > 1 else "," + (opening or " ")
    out = ["[", opening]
    for n, (item, k) in enumerate(new_items):
        if n:
            prev = new_items[n - 1][1]
            out.append(raw[items[prev][1]:items[k][0]] if prev is not None and k == prev + 1 else generic)
        out.append(item)
    out += [closing, "]"]
    return "".join(out)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file at `path` with `data` so that it is never seen half written: a temporary file
    in the same folder, flushed and synced, then renamed over it (a symlink's target is replaced,
    the link kept); the file's permission bits are kept. On any failure the file is untouched."""
    target = Path(os.path.realpath(path))
    mode = None
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            if mode is not None:
                os.fchmod(f.fileno(), mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_source(src: Source) -> None:
    """Write a fixed source (`fixed_source`) back to its file, atomically, with its BOM."""
    assert src.raw is not None
    write_atomic(src.path, (b"\xef\xbb\xbf" if src.bom else b"") + src.raw.encode("utf-8"))
