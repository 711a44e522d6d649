"""Diagnostics: lint on open / change (debounced per document) / save, cleared on close.

Every change bumps the unit's generation (a vscode-pylint-style counter); a lint run remembers the
generation it analysed and its results are dropped when the document has moved on. The analysis
itself runs in the worker process (`worker.py`), so the event loop only takes snapshots, converts
positions and sends notifications.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from lsprotocol import types
from pygls import uris

from learnability.findings import AnalysisError, Finding, Severity, Span
from learnability.lsp.positions import LineMap, split_lines
from learnability.lsp.server import BIG_BYTES, LIVE_LIMIT_BYTES, SOURCE, Placed, Unit, UriResults, docs_url
from learnability.lsp.worker import Outcome, Superseded, WorkerCrashed
from learnability.sources import relabel_lines

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


# ----------------------------------------------------------------------------- snapshots
@dataclass
class Snapshot:
    """The text one lint run analyses, and how its lines map back to editor documents."""

    unit: str
    generation: int
    text: str
    path: str | None  # file system path (for pyproject lookup), None for unsaved buffers
    docs: dict[str, tuple[int | None, LineMap]] = field(default_factory=dict)  # uri -> (version, lines)
    # engine line (1-based) -> (uri, line in that document, 1-based); None: beyond the text
    where: Callable[[int], tuple[str, int] | None] = lambda line: None
    # notebooks: (engine line, uri of the cell a message is shown in) -> "line 6 of cell 4"
    label: Callable[[int, str], str | None] | None = None

    def place(self, span: Span) -> tuple[str, types.Range] | None:
        start = self.where(span.line)
        if start is None:
            return None
        uri, line = start
        lm = self.docs[uri][1]
        end = self.where(span.end_line)
        if end is None or end[0] != uri:  # a span that runs past its cell: stop at the line's end
            end_pos = lm.position(line, len(lm._text(line - 1)))
        else:
            end_pos = lm.position(end[1], span.end_column)
        return uri, types.Range(start=lm.position(line, span.column), end=end_pos)

    def line_text(self, uri: str, line: int) -> str:
        return self.docs[uri][1]._text(line - 1)


def fs_path(uri: str) -> str | None:
    try:
        return uris.to_fs_path(uri) if uri.startswith("file:") else None
    except Exception:
        return None


def text_snapshot(ls: Any, unit: Unit) -> Snapshot | None:
    doc = ls.workspace.text_documents.get(unquote(unit.uri))
    if doc is None:
        return None
    text = doc.source
    lm = LineMap(split_lines(text), ls.encoding)
    snap = Snapshot(unit.uri, unit.generation, text, fs_path(unit.uri), {unit.uri: (doc.version, lm)})
    n = len(lm.lines)
    snap.where = lambda line, uri=unit.uri: (uri, line) if 1 <= line <= n else ((uri, n) if line > n else None)
    return snap


def take_snapshot(ls: Any, unit: Unit) -> Snapshot | None:
    if unit.kind == "notebook":
        from learnability.lsp.notebooks import notebook_snapshot

        return notebook_snapshot(ls, unit)
    return text_snapshot(ls, unit)


# ----------------------------------------------------------------------------- scheduling
def schedule(ls: Any, unit: Unit, delay: float) -> None:
    if unit.task is not None and not unit.task.done():
        unit.task.cancel()
    unit.task = asyncio.get_running_loop().create_task(_lint(ls, unit, delay))


def relint_all(ls: Any) -> None:
    for unit in list(ls.units.values()):
        unit.generation += 1
        schedule(ls, unit, 0)


async def _lint(ls: Any, unit: Unit, delay: float) -> None:
    """Wait for the user to pause (`delay`), analyse, publish.

    The debounce overlaps the analysis: the run starts early by the time the last analyses of this
    document took (but only after at least a third of the pause, so fast typing starts nothing), and
    publishes once the full pause has passed. Diagnostics then appear about `delay` after the last
    keystroke instead of `delay` + the analysis time. A run that started for a version the user has
    since changed is dropped; being no longer than the lead it finishes before the next run starts.
    """
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + delay
        if delay > 0:
            lead = min(unit.expected_s * 1.1 + 0.005, delay * 2 / 3)
            await asyncio.sleep(delay - lead)
        snap = take_snapshot(ls, unit)
        if snap is None:
            return
        config, problem = ls.resolver.config_for(snap.path, ls.settings)
        if problem:
            ls.warn_once("config:" + problem, f"configuration: {problem}")
        start = time.perf_counter()
        try:
            worker = ls.big_worker if len(snap.text) > BIG_BYTES else ls.worker
            if worker is ls.big_worker:
                worker.cancel_key(unit.uri)  # a stale run of this document cannot be superseded otherwise
            outcome = await worker.analyze(unit.uri, snap.text, snap.path or unit.uri, config)
        except Superseded:
            return
        except WorkerCrashed as exc:
            ls.log("error", f"analysis of {unit.uri} failed: {exc}")
            return
        elapsed = time.perf_counter() - start
        unit.expected_s = elapsed if unit.expected_s == 0 else 0.7 * unit.expected_s + 0.3 * elapsed
        if loop.time() < deadline:
            await asyncio.sleep(deadline - loop.time())
        if ls.units.get(unit.uri) is not unit or unit.generation != snap.generation:
            ls.log("debug", f"dropped results for an older version of {unit.uri}")
            return
        publish_outcome(ls, unit, snap, outcome)
        ls.log("debug", f"analysed {unit.uri} (generation {snap.generation}): {len(outcome.findings)} findings, "
                        f"{outcome.elapsed * 1000:.0f} ms in the worker, "
                        f"{(time.perf_counter() - start) * 1000:.0f} ms round trip")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # never let a lint run take anything down
        ls.report_server_error(exc, _lint)


# ----------------------------------------------------------------------------- building results
def _range_dict(r: types.Range) -> dict:
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


def _json_safe(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return repr(value)


def place_finding(snap: Snapshot, f: Finding) -> Placed | None:
    where = snap.place(f.span)
    if where is None:
        return None
    uri, rng = where
    version = snap.docs[uri][0]
    fix_edits = None
    if f.fix is not None:
        edits = [minimal_edit(snap, e.span, e.new_text) for e in f.fix.edits]
        if edits and all(e is not None for e in edits):
            fix_edits = [(u, snap.docs[u][0], e) for u, e in edits]  # type: ignore[misc]
    related = []
    for r in f.related:
        rw = snap.place(r.span)
        if rw is not None:
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=rw[0], range=rw[1]), message=r.message))
    data: dict[str, Any] = {"rule": f.rule, "unit": snap.unit, "version": version, "category": f.category.value}
    if f.fix is not None:
        data["fix"] = {"title": f.fix.title, "safe": f.fix.safe,
                       "edits": [{"uri": u, "range": _range_dict(e.range), "newText": e.new_text}
                                 for u, _, e in fix_edits or []]}
    if f.data:
        data["details"] = _json_safe(f.data)
    message = f.message if snap.label is None else relabel_lines(f.message, lambda n: snap.label(n, uri))
    href = docs_url(f.rule)
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
    if where is None:
        return None
    uri, rng = where
    if rng.end == rng.start or rng.end.character <= rng.start.character:  # at a line's end: flag its last char
        lm = snap.docs[uri][1]
        line = snap.where(e.line)[1]  # type: ignore[index]
        text = lm._text(line - 1)
        start_col = max(0, min(e.column, len(text) - 1))
        rng = types.Range(start=lm.position(line, start_col), end=lm.position(line, max(start_col + 1, len(text))))
    if e.kind == "syntax":
        message = e.message if e.message.startswith("syntax error") else f"syntax error: {e.message}"
        return uri, types.Diagnostic(range=rng, message=message,
                                     severity=types.DiagnosticSeverity.Error, source=SOURCE, code="syntax-error")
    severity = types.DiagnosticSeverity.Information if e.kind == "skipped" else types.DiagnosticSeverity.Warning
    return uri, types.Diagnostic(range=rng, message=e.message, severity=severity, source=SOURCE, code=e.kind)


def publish_outcome(ls: Any, unit: Unit, snap: Snapshot, outcome: Outcome) -> None:
    per_uri: dict[str, UriResults] = {
        uri: UriResults(uri, unit.uri, version, lines=list(lm.lines)) for uri, (version, lm) in snap.docs.items()
    }
    for f in outcome.findings:
        placed = place_finding(snap, f)
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
    old_fits = {u: ls.results[u].fits for u in per_uri if u in ls.results}
    stale = [u for u in unit.cell_uris if u not in per_uri]
    unit.cell_uris = list(per_uri)
    unit.published_generation = snap.generation
    for uri, res in per_uri.items():
        ls.results[uri] = res
        publish_uri(ls, uri)
    for uri in stale:
        clear_uri(ls, uri)
    if any(old_fits.get(u) != r.fits for u, r in per_uri.items()) and ls.client_supports("workspace.code_lens.refresh_support"):
        try:
            ls.workspace_code_lens_refresh(None)
        except Exception:
            pass


def diagnostics_for(ls: Any, uri: str) -> list[types.Diagnostic]:
    """The static diagnostics of `uri`, with the last probe's verdicts folded in."""
    res = ls.results.get(uri)
    if res is None:
        return []
    from learnability.lsp.probe_command import probe_diagnostics

    return probe_diagnostics(ls, res)


def publish_uri(ls: Any, uri: str) -> None:
    res = ls.results.get(uri)
    if res is None:
        return
    version = res.version if ls.client_supports("text_document.publish_diagnostics.version_support") else None
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=version, diagnostics=diagnostics_for(ls, uri)))


def clear_uri(ls: Any, uri: str) -> None:
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def close_unit(ls: Any, unit_uri: str) -> None:
    unit = ls.units.pop(unit_uri, None)
    if unit is None:
        return
    if unit.task is not None and not unit.task.done():
        unit.task.cancel()
    ls.big_worker.cancel_key(unit_uri)
    event = ls.probes.get(unit_uri)
    if event is not None:
        event.set()
    ls.probe_reports.pop(unit_uri, None)
    for uri in unit.cell_uris or [unit_uri]:
        clear_uri(ls, uri)


# ----------------------------------------------------------------------------- text documents
def _is_python(doc: types.TextDocumentItem) -> bool:
    return doc.language_id in ("python", "", None) or doc.uri.endswith((".py", ".pyi"))


def register(ls: Any) -> None:
    @ls.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: Any, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        if not _is_python(doc):
            return
        unit = ls.units.get(doc.uri)
        if unit is None:
            unit = ls.units[doc.uri] = Unit(doc.uri, "text")
        unit.generation += 1
        schedule(ls, unit, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: Any, params: types.DidChangeTextDocumentParams) -> None:
        unit = ls.units.get(params.text_document.uri)
        if unit is None:
            return
        unit.generation += 1
        if ls.settings.lint_on != "change":
            return
        doc = ls.workspace.text_documents.get(unquote(unit.uri))
        if doc is not None and len(doc.source) > LIVE_LIMIT_BYTES:
            ls.warn_once(f"large:{unit.uri}", f"{unit.uri} is over {LIVE_LIMIT_BYTES // 1_000_000} MB: "
                                              "it is linted when opened and saved, not on every change")
            return
        schedule(ls, unit, ls.debounce_s)

    @ls.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: Any, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith("pyproject.toml"):  # [tool.learnability] may have changed
            ls.resolver.clear()
            relint_all(ls)
            return
        unit = ls.units.get(params.text_document.uri)
        if unit is None:
            return
        if unit.published_generation != unit.generation or ls.settings.lint_on == "save":
            schedule(ls, unit, 0)

    @ls.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: Any, params: types.DidCloseTextDocumentParams) -> None:
        close_unit(ls, params.text_document.uri)
