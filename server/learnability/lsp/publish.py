"""The one publisher: every diagnostic source of a document (static findings, analysis and syntax errors,
the last probe's findings) is placed through `Snapshot.place` and merged here into one
`textDocument/publishDiagnostics` per editor document (for a notebook: per cell).

- `publish_outcome` places a lint run's findings, errors and `fit` calls (static results, per document);
- `record_probe` places a probe report's typed findings (and their measured fixes) once, when it arrives;
- `diagnostics_for` merges them: static diagnostics (their messages amended by the probe's verdicts),
  then the errors, then the probe findings no static finding on their line covers;
- `publish_uri` / `clear_uri` send the result.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import attrs
from lsprotocol import types

from learnability.findings import AnalysisError, Finding, Severity, Span
from learnability.lsp.probe_view import folded, message_suffix, probe_message
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.state import (
    PROBE_SOURCE,
    SOURCE,
    DocumentEdit,
    Placed,
    PlacedProbe,
    ProbeFinding,
    ProbeState,
    Snapshot,
    Unit,
    UriResults,
)
from learnability.lsp.worker import Outcome

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
PROBES_KEPT = 64  # units whose last probe is kept while not shown (edited since, or closed)
PROBE_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
                  "info": types.DiagnosticSeverity.Information}


# ----------------------------------------------------------------------------- placing
def _range_dict(r: types.Range) -> dict[str, dict[str, int]]:
    return {"start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character}}


def minimal_edit(snap: Snapshot, span: Span, new_text: str) -> tuple[str, types.TextEdit] | None:
    """The edit in client units, with the unchanged prefix and suffix of a one-line edit trimmed."""
    placed = snap.place(span)
    if placed is None:
        return None
    uri, rng = placed
    start = snap.where(span.line)
    end = snap.where(span.end_line)
    if start is not None and end is not None and start == end:
        old = snap.line_text(uri, start[1])[span.column:span.end_column]
        p = 0
        while p < len(old) and p < len(new_text) and old[p] == new_text[p]:
            p += 1
        s = 0
        while s < len(old) - p and s < len(new_text) - p and old[-1 - s] == new_text[-1 - s]:
            s += 1
        lm = snap.docs[uri][1]
        line = start[1]
        rng = types.Range(start=lm.position(line, span.column + p), end=lm.position(line, span.end_column - s))
        new_text = new_text[p:len(new_text) - s]
    return uri, types.TextEdit(range=rng, new_text=new_text)


def placed_edits(snap: Snapshot, edits: list[tuple[Span, str]]) -> list[DocumentEdit] | None:
    """A fix's edits in client units, versioned; None unless every edit can be placed (a fix is whole)."""
    out: list[DocumentEdit] = []
    for span, new_text in edits:
        edit = minimal_edit(snap, span, new_text)
        if edit is None:
            return None
        out.append((edit[0], snap.version(edit[0]), edit[1]))
    return out or None


def _json_safe(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return repr(value)


def place_finding(ls: LearnabilityServer, snap: Snapshot, f: Finding) -> Placed | None:
    where = snap.place(f.span)
    if where is None:
        return None
    uri, rng = where
    version = snap.version(uri)
    fix_edits = placed_edits(snap, [(e.span, e.new_text) for e in f.fix.edits]) if f.fix is not None else None
    related = []
    for r in f.related:
        rw = snap.place(r.span)
        if rw is not None:
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=rw[0], range=rw[1]), message=snap.relabel(r.message, uri)))
    data: dict[str, Any] = {"rule": f.rule, "unit": snap.unit, "version": version, "category": f.category.value}
    if f.fix is not None:
        data["fix"] = {"title": f.fix.title, "safe": f.fix.safe,
                       "edits": [{"uri": u, "range": _range_dict(e.range), "newText": e.new_text}
                                 for u, _, e in fix_edits or []]}
    if f.data:
        data["details"] = _json_safe(f.data)
    message = snap.relabel(f.message, uri)
    href = ls.docs_url(f.rule)
    diag = types.Diagnostic(
        range=rng, message=message, severity=SEVERITY.get(f.severity, types.DiagnosticSeverity.Warning),
        code=f.rule, code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE, related_information=related or None, data=data,
    )
    start = snap.where(f.span.line)
    line_text = snap.line_text(uri, start[1]) if start else ""
    return Placed(f, uri, version, rng, diag, fix_edits, line_text)


def error_diagnostic(snap: Snapshot, e: AnalysisError) -> tuple[str, types.Diagnostic] | None:
    where = snap.place(Span(e.line, e.column, e.line, e.column + 1))
    line = snap.where(e.line)
    if where is None or line is None:
        return None
    uri, rng = where
    if rng.end == rng.start or rng.end.character <= rng.start.character:  # at a line's end: flag its last char
        lm = snap.docs[uri][1]
        text = lm.text(line[1] - 1)
        start_col = max(0, min(e.column, len(text) - 1))
        rng = types.Range(start=lm.position(line[1], start_col),
                          end=lm.position(line[1], max(start_col + 1, len(text))))
    if e.kind == "syntax":
        message = e.message if e.message.startswith("syntax error") else f"syntax error: {e.message}"
        return uri, types.Diagnostic(range=rng, message=message,
                                     severity=types.DiagnosticSeverity.Error, source=SOURCE, code="syntax-error")
    severity = types.DiagnosticSeverity.Information if e.kind == "skipped" else types.DiagnosticSeverity.Warning
    return uri, types.Diagnostic(range=rng, message=e.message, severity=severity, source=SOURCE, code=e.kind)


def place_probe_finding(snap: Snapshot, pf: ProbeFinding) -> PlacedProbe | None:
    """A probe finding in the document its program line lies in (the snapshot the probe ran on), with its
    measured fix when every edit lies in that same document."""
    start = snap.where(pf.line) if pf.line is not None else None
    span = pf.span(snap.line_text(*start)) if start is not None else None
    where = snap.place(span) if span is not None else None
    if where is None:
        return None
    uri, rng = where
    diag = types.Diagnostic(
        range=rng, message=snap.relabel(probe_message(pf), uri),
        severity=PROBE_SEVERITY.get(pf.severity, types.DiagnosticSeverity.Information),
        source=PROBE_SOURCE, code=pf.rule,
        data={"probe": True, "confirmed": pf.confirmed, "confirms": list(pf.confirms)},
    )
    fix_edits = None
    if pf.fix is not None:
        edits: list[DocumentEdit] = []
        for e in pf.fix.edits:
            placed, stop = snap.place(e.span), snap.where(e.end_line)
            if placed is None or placed[0] != uri or stop is None or stop[0] != uri:
                edits = []
                break
            edits.append((uri, snap.version(uri), types.TextEdit(range=placed[1], new_text=e.new_text)))
        fix_edits = edits or None
    return PlacedProbe(pf, uri, snap.version(uri), diag, fix_edits)


# ----------------------------------------------------------------------------- recording and merging
def publish_outcome(ls: LearnabilityServer, unit: Unit, snap: Snapshot, outcome: Outcome) -> None:
    """Record a lint run's results per document and publish each document."""
    per_uri: dict[str, UriResults] = {
        uri: UriResults(uri, unit.uri, version, lines=list(lm.lines)) for uri, (version, lm) in snap.docs.items()
    }
    for f in outcome.findings:
        placed = place_finding(ls, snap, f)
        if placed is not None:
            per_uri[placed.uri].placed.append(placed)
    for e in outcome.errors:
        if e.kind == "internal":
            ls.warn_once("internal:" + e.message, f"{unit.uri}: {e.message}")
            continue
        d = error_diagnostic(snap, e)
        if d is not None:
            per_uri[d[0]].errors.append(d[1])
    for span in outcome.fits:
        where = snap.place(span)
        if where is not None:
            per_uri[where[0]].fits.append(where[1])
    if outcome.truncated:
        ls.warn_once(f"truncated:{unit.uri}", f"{unit.uri}: showing the first {len(outcome.findings)} findings "
                                              f"({outcome.truncated} more left out)")
    probe_changed = match_probe(ls, unit, snap)
    old_fits = {u: ls.results[u].fits for u in per_uri if u in ls.results}
    stale = [u for u in unit.cell_uris if u not in per_uri]
    unit.cell_uris = list(per_uri)
    unit.published_generation = snap.generation
    for uri, res in per_uri.items():
        ls.results[uri] = res
        publish_uri(ls, uri)
    for uri in stale:
        clear_uri(ls, uri)
    if probe_changed or any(old_fits.get(u) != r.fits for u, r in per_uri.items()):
        refresh_code_lenses(ls)


def probe_state(report: dict[str, Any], snap: Snapshot, findings: list[ProbeFinding]) -> ProbeState:
    """A probe's report with its typed findings placed in the documents of `snap` (the text it ran on)."""
    state = ProbeState(report, snap, findings)
    for pf in state.findings:
        placed = place_probe_finding(snap, pf)
        if placed is not None:
            state.placed.setdefault(placed.uri, []).append(placed)
    return state


def record_probe(ls: LearnabilityServer, unit: Unit, report: dict[str, Any], snap: Snapshot,
                 line_of: Callable[[int], int] | None = None) -> None:
    """Keep a probe's report with its findings typed and placed, and publish the unit's documents again.
    `line_of` maps the lines of the program the probe ran onto the snapshot's program lines (a ported copy);
    findings then flag whole lines and lose their measured fix (the copy's columns)."""
    findings = ProbeState.findings_of(report)
    if line_of is not None:
        findings = [dataclasses.replace(
            pf, fix=None, line=line_of(pf.line) if pf.line is not None else None,
            end_line=line_of(pf.end_line) if pf.end_line is not None else None,
            column=None, end_column=None) for pf in findings]  # the copy's columns: the whole line instead
    ls.probes_kept.pop(unit.uri, None)
    ls.probe_reports[unit.uri] = probe_state(report, snap, findings)
    for doc_uri in list(unit.cell_uris or [unit.uri]):
        publish_uri(ls, doc_uri)


def keep_probe(ls: LearnabilityServer, unit_uri: str) -> None:
    """Stop showing a unit's last probe, and keep it for when its text is the probed one again."""
    state = ls.probe_reports.pop(unit_uri, None)
    if state is None:
        return
    ls.probes_kept.pop(unit_uri, None)
    ls.probes_kept[unit_uri] = state
    while len(ls.probes_kept) > PROBES_KEPT:
        del ls.probes_kept[next(iter(ls.probes_kept))]


def match_probe(ls: LearnabilityServer, unit: Unit, snap: Snapshot) -> bool:
    """A probe's results hold for the text it ran on: shown while the unit's text (`snap`, about to be
    published) is that text, kept aside while it differs, shown again, placed in `snap`'s documents (a
    reopened notebook's cells have new URIs), when it is that text again. Returns whether that changed."""
    live = ls.probe_reports.get(unit.uri)
    if live is not None:
        if live.snapshot.text == snap.text:
            return False
        keep_probe(ls, unit.uri)
        return True
    kept = ls.probes_kept.get(unit.uri)
    if kept is None or kept.snapshot.text != snap.text:
        return False
    del ls.probes_kept[unit.uri]
    ls.probe_reports[unit.uri] = probe_state(kept.report, snap, kept.findings)
    return True


def static_rules(res: UriResults) -> dict[int, set[str]]:
    """Program line -> the rules of the static findings placed on it in this document."""
    out: dict[int, set[str]] = {}
    for p in res.placed:
        out.setdefault(p.finding.span.line, set()).add(p.finding.rule)
    return out


def probe_findings_in(ls: LearnabilityServer, res: UriResults) -> list[PlacedProbe]:
    """The last probe's findings in this document that no static finding on their line covers (those are
    folded into that diagnostic's message and hover instead)."""
    state = ls.probe_reports.get(res.unit)
    if state is None:
        return []
    rules = static_rules(res)
    return [p for p in state.placed.get(res.uri, []) if not folded(rules, p.finding)]


def diagnostics_for(ls: LearnabilityServer, uri: str) -> list[types.Diagnostic]:
    """Every diagnostic of `uri`: static (amended by the last probe) + errors + the probe's own findings."""
    res = ls.results.get(uri)
    if res is None:
        return []
    state = ls.probe_reports.get(res.unit)
    out: list[types.Diagnostic] = []
    for p in res.placed:
        d = p.diagnostic
        suffix = state.snapshot.relabel(message_suffix(state, p.finding), uri) if state is not None else ""
        out.append(attrs.evolve(d, message=d.message + suffix) if suffix else d)
    out.extend(res.errors)
    out.extend(p.diagnostic for p in probe_findings_in(ls, res))
    return out


def publish_uri(ls: LearnabilityServer, uri: str) -> None:
    res = ls.results.get(uri)
    if res is None:
        return
    version = res.version if ls.client_supports("text_document.publish_diagnostics.version_support") else None
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=version, diagnostics=diagnostics_for(ls, uri)))


def clear_uri(ls: LearnabilityServer, uri: str) -> None:
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def refresh_code_lenses(ls: LearnabilityServer) -> None:
    """Ask the client to pull code lenses again (their titles show the last probe's verdict)."""
    if ls.client_supports("workspace.code_lens.refresh_support"):
        try:
            ls.workspace_code_lens_refresh(None)
        except Exception:
            pass
