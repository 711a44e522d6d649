"""The data every part of Learnability speaks: spans, edits, fixes and findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Category(str, enum.Enum):
    ACTIVATION = "activation"
    LOSS = "loss"
    METRICS = "metrics"
    LEARNING_RATE = "learning_rate"
    OPTIMIZER = "optimizer"
    PREPROCESSING = "preprocessing"
    DATA = "data"
    LAYERS = "layers"
    INITIALIZATION = "initialization"
    EPOCHS = "epochs"
    BATCH_SIZE = "batch_size"
    REGULARIZATION = "regularization"
    API = "api"


@dataclass(frozen=True, order=True)
class Span:
    """A range in the source. Lines are 1-based, columns 0-based code points (like libcst)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def shifted(self, lines: int) -> "Span":
        return Span(self.line + lines, self.column, self.end_line + lines, self.end_column)

    def to_json(self) -> dict[str, int]:
        return {"line": self.line, "column": self.column + 1,
                "end_line": self.end_line, "end_column": self.end_column + 1}


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True  # safe fixes are applied by `check --fix` and "fix all"


@dataclass
class Related:
    span: Span
    message: str


@dataclass
class Finding:
    rule: str
    category: Category
    severity: Severity
    span: Span
    message: str
    path: str = "<string>"
    fix: Fix | None = None
    related: list[Related] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "path": self.path,
            **self.span.to_json(),
            "message": self.message,
            "fixable": self.fixable,
        }
        if self.fix is not None:
            out["fix"] = {
                "title": self.fix.title,
                "safe": self.fix.safe,
                "edits": [{**e.span.to_json(), "new_text": e.new_text} for e in self.fix.edits],
            }
        if self.related:
            out["related"] = [{**r.span.to_json(), "message": r.message} for r in self.related]
        if self.data.get("cell") is not None:  # notebooks: line and columns are within this cell
            out["cell"] = self.data["cell"]
        return out


@dataclass
class AnalysisError:
    """A problem that stopped part of the analysis (a syntax error, an unreadable file)."""

    path: str
    line: int
    column: int
    message: str
    kind: str = "syntax"  # syntax | io | write (--fix could not save) | skipped (a statement too large to model) | internal (a bug)
    cell: int | None = None  # notebooks: 1-based cell number; line is within that cell

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "line": self.line, "column": self.column + 1,
                               "message": self.message, "kind": self.kind}
        if self.cell is not None:
            out["cell"] = self.cell
        return out
