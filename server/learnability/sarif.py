"""SARIF 2.1.0 output for `learnability check --format sarif` (GitHub code scanning, IDE viewers).

One run: the tool's rule catalog in `tool.driver.rules`, one result per finding (with its safe
fix as a SARIF `fix` where there is one), and files or statements that could not be analysed as
`toolExecutionNotifications` of the invocation. Regions are 1-based; `endColumn` is exclusive;
columns count Unicode code points (`columnKind`). Paths under the current folder are relative
URIs against `%SRCROOT%`.

Notebooks: a result's region is in its cell (lines counted from the cell's first line) and
`properties.cell` names the cell (1-based); SARIF has no notion of cells, so no fix is attached.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from learnability import __version__
from learnability.findings import AnalysisError, Finding, Severity, Span
from learnability.rules import all_rules
from learnability.rules.base import Rule, docs_url

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/learnability/learnability"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str, root: Path) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative to `root` when the file is under it, else an absolute file URI."""
    p = Path(path)
    try:
        rel = p.resolve().relative_to(root.resolve())
        return quote(rel.as_posix()), SRCROOT
    except ValueError:
        return p.resolve().as_uri(), None


def _artifact(path: str, root: Path) -> dict[str, Any]:
    uri, base = _uri(path, root)
    out: dict[str, Any] = {"uri": uri}
    if base:
        out["uriBaseId"] = base
    return out


def _region(span: Span) -> dict[str, int]:
    return {"startLine": span.line, "startColumn": span.column + 1,
            "endLine": span.end_line, "endColumn": span.end_column + 1}


def _location(path: str, span: Span, root: Path) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact(path, root), "region": _region(span)}}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = f"{rule.summary}\n\nWhy: {rule.rationale}"
    if rule.fix_summary:
        help_text += f"\n\nFix: {rule.fix_summary}"
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
    }
    url = docs_url(rule.id)  # only a configured project URL ($LEARNABILITY_DOCS_URL): none is invented
    if url:
        out["helpUri"] = url
    return out | {
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"category": rule.category.value, "tags": [rule.category.value],
                       "fixable": rule.fix_summary is not None},
    }


def _result(f: Finding, index: dict[str, int], root: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [_location(f.path, f.span, root)],
    }
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    cell = f.data.get("cell")
    if cell is not None:
        out["properties"] = {"cell": cell}
    elif f.fix is not None:
        out["fixes"] = [{
            "description": {"text": f.fix.title},
            "artifactChanges": [{
                "artifactLocation": _artifact(f.path, root),
                "replacements": [{"deletedRegion": _region(e.span), "insertedContent": {"text": e.new_text}}
                                 for e in f.fix.edits],
            }],
        }]
    if f.related:
        out["relatedLocations"] = [
            {"id": i, **_location(f.path, r.span, root), "message": {"text": r.message}}
            for i, r in enumerate(f.related, start=1)
        ]
    return out


def _notification(e: AnalysisError, root: Path) -> dict[str, Any]:
    line = max(e.line, 1)
    note: dict[str, Any] = {
        "level": "note" if e.kind == "skipped" else "error",
        "message": {"text": e.message},
        "descriptor": {"id": e.kind},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(e.path, root),
                                            "region": {"startLine": line, "startColumn": e.column + 1}}}],
    }
    if e.cell is not None:
        note["properties"] = {"cell": e.cell}
    return note


def to_sarif(findings: Iterable[Finding], errors: Iterable[AnalysisError], root: Path | None = None) -> dict[str, Any]:
    """The SARIF log (a JSON-ready dict) for a check's findings and errors; paths relative to `root`
    (default: the current folder)."""
    root = root or Path.cwd()
    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    errors = list(errors)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "learnability",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(r) for r in rules],
            }},
            "invocations": [{
                "executionSuccessful": not any(e.kind in ("internal", "write") for e in errors),
                "toolExecutionNotifications": [_notification(e, root) for e in errors],
            }],
            "originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index, root) for f in findings],
        }],
    }
