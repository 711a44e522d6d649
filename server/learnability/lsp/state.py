"""The language server's shared state and data types: the bottom of `learnability.lsp`.

Everything the feature modules exchange lives here, so that no feature imports another for its types:
the analysed units, the snapshot a lint run or a probe analyses (and how its lines map back to editor
documents), the findings placed in editor documents, and the last probe's report as typed findings.
This module imports nothing from `learnability.lsp` except `positions` (pure position arithmetic).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from lsprotocol import types

from learnability.findings import Finding, Span
from learnability.lsp.positions import LineMap
from learnability.sources import relabel_lines

SOURCE = "learnability"
PROBE_SOURCE = "learnability-probe"
DEBOUNCE_S = 0.3
LIVE_LIMIT_BYTES = 1_000_000  # above this a document is linted on open and save, not on every change
BIG_BYTES = 300_000  # documents above this go to a second worker, so they never delay the others

# an edit in one editor document, in the client's position units: (uri, version, edit)
DocumentEdit = tuple[str, "int | None", types.TextEdit]


# ----------------------------------------------------------------------------- units and snapshots
@dataclass
class Unit:
    """What is analysed as one program: an open file, or an open notebook (all its code cells)."""

    uri: str
    kind: str  # "text" | "notebook"
    generation: int = 0  # bumped on every change; results for an older generation are dropped
    published_generation: int = -1
    expected_s: float = 0.0  # how long an analysis of this unit takes (moving average, seconds)
    task: asyncio.Task[None] | None = None
    cell_uris: list[str] = field(default_factory=list)  # notebooks: the cells last published


def _nowhere(line: int) -> tuple[str, int] | None:
    return None


@dataclass
class Snapshot:
    """The text one lint run (or probe) analyses, and how its lines map back to editor documents.

    `place` is the one way a program span becomes a range in an editor document: static findings,
    analysis errors, `fit` calls and probe findings all go through it."""

    unit: str
    generation: int
    text: str
    path: str | None  # file system path (for pyproject lookup), None for unsaved buffers
    docs: dict[str, tuple[int | None, LineMap]] = field(default_factory=dict)  # uri -> (version, lines)
    # engine line (1-based) -> (uri, line in that document, 1-based); None: beyond the text
    where: Callable[[int], tuple[str, int] | None] = _nowhere
    # notebooks: (engine line, uri of the cell a message is shown in) -> "line 6 of cell 4"
    label: Callable[[int, str], str | None] | None = None
    # notebooks: engine line -> (the cell's number as the notebook shows it, line in the cell)
    locate: Callable[[int], tuple[int, int] | None] | None = None

    def relabel(self, text: str, shown_in: str) -> str:
        """A text shown in document `shown_in` with the program lines it cites in that document's terms
        (notebooks: "line 6 of cell 4"); a file's text as it is."""
        label = self.label
        return text if label is None or not text else relabel_lines(text, lambda n: label(n, shown_in))

    def place(self, span: Span) -> tuple[str, types.Range] | None:
        start = self.where(span.line)
        if start is None:
            return None
        uri, line = start
        lm = self.docs[uri][1]
        end = self.where(span.end_line)
        if end is None or end[0] != uri:  # a span that runs past its cell: stop at the line's end
            end_pos = lm.position(line, len(lm.text(line - 1)))
        else:
            end_pos = lm.position(end[1], span.end_column)
        return uri, types.Range(start=lm.position(line, span.column), end=end_pos)

    def line_text(self, uri: str, line: int) -> str:
        return self.docs[uri][1].text(line - 1)

    def version(self, uri: str) -> int | None:
        return self.docs[uri][0]


# ----------------------------------------------------------------------------- placed results
@dataclass
class Placed:
    """A static finding placed in one editor document, in the client's position units."""

    finding: Finding
    uri: str
    version: int | None
    range: types.Range
    diagnostic: types.Diagnostic
    # the fix's edits, minimal and in client units; None when not fixable
    fix_edits: list[DocumentEdit] | None = None
    line_text: str = ""  # the flagged line as analysed (for "suppress on this line")


@dataclass
class UriResults:
    """The last published analysis of one editor document (a file, or one notebook cell)."""

    uri: str
    unit: str  # the analysed unit: the file's uri, or the notebook's uri for a cell
    version: int | None
    placed: list[Placed] = field(default_factory=list)
    errors: list[types.Diagnostic] = field(default_factory=list)
    fits: list[types.Range] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- the probe's report, typed
def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ProbeEdit:
    """One edit of a probe fix: program lines (1-based), code-point columns (1-based), as the report has them."""

    line: int
    end_line: int
    column: int
    end_column: int
    new_text: str

    @classmethod
    def from_report(cls, data: Any) -> ProbeEdit | None:
        if not isinstance(data, dict):
            return None
        line, column, end_column = _int(data.get("line")), _int(data.get("column")), _int(data.get("end_column"))
        end_line = _int(data.get("end_line") or data.get("line"))
        new_text = data.get("new_text")
        if line is None or end_line is None or column is None or end_column is None or new_text is None:
            return None
        if column < 1 or end_column < 1:
            return None
        return cls(line, end_line, column, end_column, str(new_text))

    @property
    def span(self) -> Span:
        return Span(self.line, self.column - 1, self.end_line, self.end_column - 1)


@dataclass(frozen=True)
class ProbeFix:
    """A change the probe measured on a short run (taken whole or not at all)."""

    title: str
    edits: tuple[ProbeEdit, ...]

    @classmethod
    def from_report(cls, data: Any) -> ProbeFix | None:
        raw = data.get("edits") if isinstance(data, dict) else None
        if not isinstance(raw, list) or not raw:
            return None
        edits = [ProbeEdit.from_report(e) for e in raw]
        if any(e is None for e in edits):
            return None  # one malformed edit: the fix is not offered
        return cls(str(data.get("title") or "apply the measured fix"), tuple(e for e in edits if e is not None))


@dataclass(frozen=True)
class ProbeFinding:
    """One finding of a probe report (`report["findings"][i]`), read tolerantly: a field of the wrong type
    counts as absent. Lines are program lines (1-based); columns 1-based code points."""

    rule: str | None
    line: int | None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    message: str = ""
    evidence: str = ""
    severity: str = "info"
    confirmed: bool | None = None  # True: the probe measured the problem; False: it did not; None: undecided
    confirms: tuple[str, ...] = ()  # the static rules this finding speaks for
    fix: ProbeFix | None = None
    result: str = ""  # the probe's answer in a few words ("confirmed: fits in 6 steps instead of 26")
    source: str = ""  # "probe" for a finding of the probe's own

    @classmethod
    def from_report(cls, data: Any) -> ProbeFinding | None:
        if not isinstance(data, dict):
            return None
        confirms = data.get("confirms")
        confirmed = data.get("confirmed")
        col, end_col = data.get("column"), data.get("end_column")
        rule = data.get("rule")
        return cls(
            rule=str(rule) if rule else None,
            line=_int(data.get("line")),
            column=col if isinstance(col, int) and not isinstance(col, bool) and col >= 1 else None,
            end_line=_int(data.get("end_line")) if data.get("end_line") is not None else None,
            end_column=end_col if isinstance(end_col, int) and not isinstance(end_col, bool) and end_col >= 1 else None,
            message=str(data.get("message") or ""),
            evidence=str(data.get("evidence") or ""),
            severity=str(data.get("severity")),
            confirmed=confirmed if isinstance(confirmed, bool) else None,
            confirms=tuple(str(r) for r in confirms) if isinstance(confirms, list) else (),
            fix=ProbeFix.from_report(data.get("fix")) if isinstance(data.get("fix"), dict) else None,
            result=data["result"] if isinstance(data.get("result"), str) else "",
            source=data["source"] if isinstance(data.get("source"), str) else "",
        )

    def about(self, rule: str) -> bool:
        """Whether this finding speaks about a static finding of `rule` (the same rule, or one it confirms)."""
        return self.rule == rule or rule in self.confirms

    def span(self, line_text: str) -> Span | None:
        """The program span it flags: its columns, else the line's code (indent to end)."""
        if self.line is None:
            return None
        start = self.column - 1 if self.column is not None else len(line_text) - len(line_text.lstrip())
        one_line = self.end_line in (None, self.line)
        end = self.end_column - 1 if self.end_column is not None and one_line else len(line_text)
        if end <= start:
            end = len(line_text)
        return Span(self.line, start, self.line, end)


@dataclass
class PlacedProbe:
    """A probe finding placed in one editor document (by `Snapshot.place`, as static findings are)."""

    finding: ProbeFinding
    uri: str
    version: int | None
    diagnostic: types.Diagnostic
    fix_edits: list[DocumentEdit] | None = None  # the measured fix in this document; None if none or elsewhere


@dataclass
class ProbeState:
    """The last probe of a unit: its report (program lines: a notebook's client gets it in cell terms,
    `sources.report_in_cells`), its findings typed, and where they lie."""

    report: dict[str, Any]
    snapshot: Snapshot  # the text the probe ran, and how its program lines map to editor documents
    findings: list[ProbeFinding] = field(default_factory=list)
    placed: dict[str, list[PlacedProbe]] = field(default_factory=dict)  # editor uri -> its probe findings

    @property
    def verdict(self) -> Any:
        return self.report.get("verdict")

    @classmethod
    def findings_of(cls, report: dict[str, Any]) -> list[ProbeFinding]:
        raw = report.get("findings")
        found = [ProbeFinding.from_report(f) for f in raw] if isinstance(raw, list) else []
        return [f for f in found if f is not None]
