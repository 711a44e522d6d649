"""What a rule is, and the context it checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import libcst as cst

from learnability.analysis.chunks import PlacedChunk
from learnability.analysis.program import Program
from learnability.config import Config
from learnability.findings import Category, Finding, Fix, Related, Severity, Span, TextEdit

DOCS_URL = "https://github.com/learnability/learnability/blob/main/docs/rules.md#{id}"


@dataclass
class Context:
    program: Program
    config: Config
    path: str = "<string>"

    def replace(self, placed: PlacedChunk, node: cst.CSTNode, new: cst.CSTNode | str) -> TextEdit:
        """An edit that replaces exactly `node`'s span with `new` (a node, rendered by libcst, or text)."""
        text = new if isinstance(new, str) else cst.Module(body=[]).code_for_node(new)
        return TextEdit(placed.span(node), text)

    def insert_after(self, placed: PlacedChunk, node: cst.CSTNode, text: str) -> TextEdit:
        span = placed.span(node)
        return TextEdit(Span(span.end_line, span.end_column, span.end_line, span.end_column), text)

    def insert_before(self, placed: PlacedChunk, node: cst.CSTNode, text: str) -> TextEdit:
        span = placed.span(node)
        return TextEdit(Span(span.line, span.column, span.line, span.column), text)


@dataclass
class Rule:
    id: str
    name: str
    category: Category
    severity: Severity
    summary: str
    rationale: str
    fix_summary: str | None
    check: Callable[["Rule", Context], Iterable[Finding]] = field(repr=False)
    examples: tuple[str, str] = ("", "")  # (bad, good)

    def run(self, ctx: Context) -> Iterator[Finding]:
        for f in self.check(self, ctx):
            yield f

    def finding(self, ctx: Context, placed: PlacedChunk, node: cst.CSTNode, message: str, *,
                fix: Fix | None = None, related: list[tuple[PlacedChunk, cst.CSTNode, str]] | None = None,
                severity: Severity | None = None, **data: object) -> Finding:
        return Finding(
            rule=self.id, category=self.category, severity=severity or self.severity,
            span=placed.span(node), message=message, path=ctx.path, fix=fix,
            related=[Related(p.span(n), m) for p, n, m in (related or [])], data=dict(data),
        )


REGISTRY: dict[str, Rule] = {}


def register(*, id: str, name: str, category: Category, severity: Severity, summary: str, rationale: str,
             fix: str | None = None, examples: tuple[str, str] = ("", "")) -> Callable:
    """Decorator: turn `def check(rule, ctx)` into a registered Rule."""

    def wrap(func: Callable[[Rule, Context], Iterable[Finding]]) -> Rule:
        if id in REGISTRY:
            raise ValueError(f"duplicate rule id {id}")
        rule = Rule(id, name, category, severity, summary, rationale, fix, func, examples)
        REGISTRY[id] = rule
        return rule

    return wrap
