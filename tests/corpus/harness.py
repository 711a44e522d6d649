"""The real-world corpus: run the checker over it and match its findings with the reviewed verdicts.

Shared by `tests/test_corpus.py` (the gate) and `benchmarks/bench_corpus.py` (the figures).

A verdict is keyed by what survives unrelated analysis changes: the file, the rule id, the stripped
source text of the finding's line, and an occurrence index when the same (file, rule, text) repeats
(in source order). Line numbers are shown to the reviewer but are not part of the key.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

CORPUS = Path(__file__).resolve().parent
ROOT = CORPUS.parent.parent
if str(ROOT / "server") not in sys.path:
    sys.path.insert(0, str(ROOT / "server"))

from learnability.cli import check_file  # noqa: E402
from learnability.config import Config  # noqa: E402
from learnability.engine import Analyzer  # noqa: E402
from learnability.findings import Finding  # noqa: E402
from learnability.sources import SourceError, load_source  # noqa: E402

SOURCES = CORPUS / "SOURCES.toml"
VERDICTS = CORPUS / "verdicts.toml"
VERDICT_VALUES = ("true", "false", "debatable")
PLACEHOLDER = "todo"  # written by `bench_corpus.py --update`; counts as unreviewed, so the gate fails
KERAS_VERSION_RULES = {"LRN001", "LRN002"}  # kept apart from the learnability precision


def files_dir() -> Path:
    """Where the corpus files are: $LEARNABILITY_CORPUS, else tests/corpus/files (not committed)."""
    return Path(os.environ.get("LEARNABILITY_CORPUS") or CORPUS / "files")


def load_sources() -> list[dict]:
    return tomllib.loads(SOURCES.read_text(encoding="utf-8"))["file"]


def missing_or_changed(sources: list[dict]) -> list[str]:
    """Corpus files that are absent, or whose bytes differ from the pinned sha256."""
    bad = []
    for entry in sources:
        path = files_dir() / entry["file"]
        if not path.is_file():
            bad.append(f"{entry['file']}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            bad.append(f"{entry['file']}: sha256 differs from SOURCES.toml")
    return bad


# ---------------------------------------------------------------------------------------------
# What Python (or IPython, for a notebook cell) accepts

_CELL_MAGIC = re.compile(r"^%%(\w+)")
_PY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}  # their body is Python
_ESCAPE = re.compile(r"^(\s*)(?:[%!?]|[\w.,\s\[\]()]+=\s*[%!])")  # %magic, !shell, ?help, x = !cmd
_HELP_SUFFIX = re.compile(r"^(\s*)[\w.]+\?{1,2}\s*$")  # obj? / obj??


def ipython_cell_to_python(cell: str) -> str | None:
    """A code cell as IPython would run it, with every magic, shell escape and help request replaced
    by a `pass` at its own indentation (IPython turns them into calls there). None: a cell magic
    whose body is not Python (%%bash, %%writefile...), which IPython accepts whatever it holds."""
    lines = cell.split("\n")
    m = _CELL_MAGIC.match(lines[0]) if lines else None
    if m:
        if m.group(1) not in _PY_CELL_MAGICS:
            return None
        lines = lines[1:]
    out = []
    continued = False
    for line in lines:
        if continued:  # a continuation line of a shell escape or magic ending in a backslash
            out.append("")
            continued = line.rstrip().endswith("\\")
            continue
        esc = _ESCAPE.match(line) or _HELP_SUFFIX.match(line)
        if esc:
            out.append(esc.group(1) + "pass")
            continued = line.rstrip().endswith("\\")
        else:
            out.append(line)
    return "\n".join(out)


def python_accepts(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Running the checker


@dataclass
class Item:
    """One finding, with everything its verdict key and the reviewer need."""

    file: str
    rule: str
    severity: str
    line: int
    cell: int | None
    message: str
    text: str  # the stripped source text of the finding's line
    occurrence: int = 0
    context: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) around it

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.file, self.rule, self.text, self.occurrence)

    @property
    def where(self) -> str:
        cell = f":cell {self.cell}" if self.cell is not None else ""
        return f"{self.file}{cell}:{self.line}"


@dataclass
class Run:
    items: list[Item] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)  # "file: message"
    syntax_on_valid: list[str] = field(default_factory=list)  # "file:cell:line: message"
    syntax_on_invalid: int = 0  # syntax errors on code Python rejects too (exercise blanks, Python 2)
    files: int = 0
    seconds: float = 0.0  # wall time
    cpu_seconds: float = 0.0  # CPU time of this process (steadier on a shared machine)


def _source_lines(src, cell: int | None) -> list[str]:
    if cell is not None and src.is_notebook:
        ordinal = src.cell_numbers.index(cell)
        return src.cells[ordinal].split("\n")
    return src.text.split("\n")


def check_corpus(sources: list[dict] | None = None) -> Run:
    """Check every corpus file in-process (as `learnability check` does, default configuration)."""
    sources = load_sources() if sources is None else sources
    run = Run(files=len(sources))
    analyzer = Analyzer()
    config = Config()
    start, cpu_start = time.perf_counter(), time.process_time()
    for entry in sources:
        name = entry["file"]
        path = files_dir() / name
        try:
            findings, errors, _ = check_file(analyzer, path, config, fix=False)
        except Exception as exc:  # the CLI reports this as an internal error too
            run.crashes.append(f"{name}: {exc!r}")
            continue
        try:
            src = load_source(path)
        except SourceError as exc:
            run.crashes.append(f"{name}: cannot read: {exc}")
            continue
        for e in errors:
            if e.kind in ("internal", "io"):
                run.crashes.append(f"{name}: {e.message}")
            elif e.kind == "syntax":
                if _accepted(src, e.cell):
                    cell = f"cell {e.cell}:" if e.cell is not None else ""
                    run.syntax_on_valid.append(f"{name}:{cell}{e.line}: {e.message}")
                else:
                    run.syntax_on_invalid += 1
        run.items.extend(_items(name, src, findings))
    run.seconds = time.perf_counter() - start
    run.cpu_seconds = time.process_time() - cpu_start
    return run


def _accepted(src, cell: int | None) -> bool:
    """Whether Python accepts the code an error was reported in: the file, or for a notebook the cell
    (as IPython runs it), or every cell when the error names none."""
    if not src.is_notebook:
        return python_accepts(src.text)
    cells = [src.cells[src.cell_numbers.index(cell)]] if cell is not None else src.cells
    for text in cells:
        py = ipython_cell_to_python(text)
        if py is not None and not python_accepts(py):
            return False
    return True


def _items(name: str, src, findings: list[Finding]) -> list[Item]:
    items = []
    seen: dict[tuple[str, str, str], int] = {}
    for f in sorted(findings, key=lambda f: (f.data.get("cell") or 0, f.span.line, f.span.column, f.rule)):
        cell = f.data.get("cell")
        lines = _source_lines(src, cell)
        text = lines[f.span.line - 1].strip() if 1 <= f.span.line <= len(lines) else ""
        k = (name, f.rule, text)
        occurrence = seen.get(k, 0)
        seen[k] = occurrence + 1
        lo, hi = max(1, f.span.line - 1), min(len(lines), f.span.line + 1)
        context = [(n, lines[n - 1]) for n in range(lo, hi + 1)]
        items.append(Item(name, f.rule, f.severity.value, f.span.line, cell, f.message, text, occurrence, context))
    return items


# ---------------------------------------------------------------------------------------------
# Verdicts


def load_verdicts() -> dict[tuple[str, str, str, int], dict]:
    if not VERDICTS.is_file():
        return {}
    data = tomllib.loads(VERDICTS.read_text(encoding="utf-8"))
    out = {}
    for v in data.get("verdict", []):
        out[(v["file"], v["rule"], v["text"], int(v.get("occurrence", 0)))] = v
    return out


def verdict_of(item: Item, verdicts: dict) -> str | None:
    """'true' / 'false' / 'debatable', or None when unreviewed (no entry, or a placeholder)."""
    v = verdicts.get(item.key)
    if v is None or v.get("verdict") not in VERDICT_VALUES:
        return None
    return v["verdict"]


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def verdict_toml(item: Item, verdict: str, reason: str) -> str:
    lines = ["[[verdict]]", f"file = {_q(item.file)}", f"rule = {_q(item.rule)}", f"text = {_q(item.text)}"]
    if item.occurrence:
        lines.append(f"occurrence = {item.occurrence}")
    lines += [f"verdict = {_q(verdict)}", f"reason = {_q(reason)}",
              f"# {item.where} [{item.severity}] {item.message[:160]}".replace("\n", " ")]
    return "\n".join(lines) + "\n"
