"""`learnability.runProbe` [uri]: train the file's model briefly and confirm each diagnosis.

The probe itself is `learnability.probe.runner.run_probe` (blocking; it starts its own interpreter,
the one from the `interpreter` setting or this one). Here it runs in a daemon thread with work-done
progress (percentage, cancellable: cancelling sets its `cancel` event). Its report then:
- amends the static findings it confirms or refutes ("(confirmed by probe: ...)" / "(probe: not confirmed — ...)"):
  a probe finding about a static finding (the same rule, or a rule its `confirms` names, on the same line) is
  folded into that diagnostic and not published again,
- becomes diagnostics of its own (source "learnability-probe") only for what no static finding covers,
- shows up in hovers as measured evidence,
- is sent to the client as the notification `learnability/probeReport` {"uri", "report"}.
Without the runner module the command answers with a clear message instead.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from learnability.findings import Finding
from learnability.lsp.code_actions import workspace_edit
from learnability.lsp.positions import LineMap, ranges_overlap
from learnability.lsp.server import PROBE_SOURCE, UriResults

PROBE_REPORT = "learnability/probeReport"
# The probe's verdicts as the user reads them (the report, the code lens, hovers, logs).
VERDICT_TITLES = {"learns": "Learns", "learns_slowly": "Learns slowly", "does_not_learn": "Does not learn",
                  "inconclusive": "Inconclusive", "error": "Probe error"}
# Modules a script must import (directly) for the probe to have a Keras model to train.
KERAS_MODULES = frozenset({"keras", "tensorflow", "tf_keras"})
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "info": types.DiagnosticSeverity.Information}


@dataclass
class ProbeState:
    report: dict
    # program line (1-based) -> (editor uri, line in it, 1-based), as when the probe ran
    where: Callable[[int], tuple[str, int] | None] = lambda line: None
    findings: list[dict] = field(default_factory=list)


def verdict_title(verdict: Any) -> str:
    """"does_not_learn" -> "Does not learn" (an unknown verdict: its words)."""
    text = str(verdict or "?")
    return VERDICT_TITLES.get(text, text.replace("_", " ").capitalize())


def imports_keras(source: str) -> bool | None:
    """Whether the source imports Keras or TensorFlow anywhere (`import keras`, `from tensorflow import
    keras`, `import tensorflow.keras as k`, inside functions too); None when it does not parse (the probe
    then runs and reports the syntax error itself). Read with libcst, never executed."""
    import libcst as cst
    from libcst.helpers import get_full_name_for_node

    try:
        module = cst.parse_module(source)
    except Exception:
        return None
    found: list[str] = []

    class Imports(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.extend(get_full_name_for_node(a.name) or "" for a in node.names)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if not node.relative and node.module is not None:
                found.append(get_full_name_for_node(node.module) or "")

    module.visit(Imports())
    return any(name.split(".")[0] in KERAS_MODULES for name in found)


# ----------------------------------------------------------------------------- report -> editor
def _probe_findings(report: dict) -> list[dict]:
    out = report.get("findings") if isinstance(report, dict) else None
    return [f for f in out or [] if isinstance(f, dict)]


def _matches(static: Finding, pf: dict) -> bool:
    rule = static.rule
    return pf.get("rule") == rule or rule in (pf.get("confirms") or [])


def verdict_for(state: ProbeState, f: Finding) -> dict | None:
    """The probe finding that speaks about a static finding (same line preferred)."""
    candidates = [pf for pf in state.findings if _matches(f, pf)]
    if not candidates:
        return None
    same_line = [pf for pf in candidates if pf.get("line") == f.span.line]
    decided = [pf for pf in same_line or candidates if pf.get("confirmed") is not None]
    return (decided or same_line or candidates)[0]


def _folded(static_rules: dict[int, set[str]], pf: dict) -> bool:
    """Whether a probe finding speaks about a static finding on its own line (the same rule, or one its
    `confirms` names): its verdict is then part of that diagnostic's message, not a diagnostic of its own."""
    try:
        rules = static_rules.get(int(pf.get("line") or 0))
    except (TypeError, ValueError):
        return False
    if not rules:
        return False
    confirms = pf.get("confirms")
    return pf.get("rule") in rules or (isinstance(confirms, list) and any(r in rules for r in confirms))


def probe_result(pf: dict) -> str:
    """The probe's answer about a finding in a few words ("confirmed: fits in 6 steps instead of 26"): the
    report's `result`, or for reports without one its verdict alone. The evidence is the hover's and the report's."""
    result = pf.get("result")
    if isinstance(result, str) and result.strip():
        return result.strip()
    if pf.get("source") == "probe" or str(pf.get("rule", "")).startswith("PRB"):
        return "confirmed by measurement" if pf.get("confirmed") is True else ""
    return {True: "confirmed by the probe", False: "probe: no measurable effect"}.get(pf.get("confirmed"), "")


def message_suffix(state: ProbeState, f: Finding) -> str:
    """A short suffix for a static diagnostic the probe spoke about: " (confirmed: fits in 6 steps instead of 26)"."""
    pf = verdict_for(state, f)
    if pf is None:
        return ""
    result = probe_result(pf)
    return f" ({result})" if result else ""


def probe_diagnostics(ls: Any, res: UriResults) -> list[types.Diagnostic]:
    """Static diagnostics (amended by the last probe) + syntax errors + the probe's own findings."""
    state: ProbeState | None = ls.probe_reports.get(res.unit)
    out: list[types.Diagnostic] = []
    for p in res.placed:
        d = p.diagnostic
        if state is not None:
            suffix = message_suffix(state, p.finding)
            if suffix:
                d = attrs.evolve(d, message=d.message + suffix)
        out.append(d)
    out.extend(res.errors)
    if state is None:
        return out
    lm = LineMap(res.lines, ls.encoding)
    static_rules: dict[int, set[str]] = {}
    for p in res.placed:
        static_rules.setdefault(p.finding.span.line, set()).add(p.finding.rule)
    for pf in state.findings:
        if _folded(static_rules, pf):
            continue  # about a static finding on its line: folded into its message (and hover), not repeated
        d = _probe_diagnostic(ls, res, lm, state, pf)
        if d is not None:
            out.append(d)
    return out


def _probe_diagnostic(ls: Any, res: UriResults, lm: LineMap, state: ProbeState, pf: dict) -> types.Diagnostic | None:
    """The diagnostic of a probe finding on its line in `res`'s document; None where it lies elsewhere."""
    try:
        line = int(pf.get("line") or 0)
    except (TypeError, ValueError):
        return None
    where = state.where(line)
    if where is None or where[0] != res.uri:
        return None
    doc_line = where[1]
    text = lm._text(doc_line - 1)
    col = pf.get("column")
    end_col = pf.get("end_column")
    start = int(col) - 1 if isinstance(col, int) and col >= 1 else len(text) - len(text.lstrip())
    end = int(end_col) - 1 if isinstance(end_col, int) and end_col >= 1 and pf.get("end_line") in (None, line) \
        else len(text)
    if end <= start:
        end = len(text)
    message = str(pf.get("message") or "measured by the probe")
    result = probe_result(pf) if str(pf.get("rule", "")).startswith("LRN") else str(pf.get("result") or "")
    if result and result not in message:
        message = f"{message} ({result})"
    rule = pf.get("rule")
    return types.Diagnostic(
        range=types.Range(start=lm.position(doc_line, start), end=lm.position(doc_line, end)),
        message=message, severity=_SEVERITY.get(str(pf.get("severity")), types.DiagnosticSeverity.Information),
        source=PROBE_SOURCE, code=str(rule) if rule else None,
        data={"probe": True, "confirmed": pf.get("confirmed"), "confirms": pf.get("confirms") or []},
    )


def _fix_edits(state: ProbeState, res: UriResults, lm: LineMap, fix: Any) -> list[types.TextEdit] | None:
    """A probe fix's edits (program lines, 1-based code-point columns) in `res`'s document; None when any edit
    is malformed or lies in another document (a fix is taken whole or not at all)."""
    edits = fix.get("edits") if isinstance(fix, dict) else None
    if not isinstance(edits, list) or not edits:
        return None
    out = []
    for e in edits:
        try:
            line, end_line = int(e["line"]), int(e.get("end_line") or e["line"])
            col, end_col, new_text = int(e["column"]), int(e["end_column"]), str(e["new_text"])
        except (KeyError, TypeError, ValueError):
            return None
        start, stop = state.where(line), state.where(end_line)
        if start is None or stop is None or start[0] != res.uri or stop[0] != res.uri or col < 1 or end_col < 1:
            return None
        out.append(types.TextEdit(range=types.Range(start=lm.position(start[1], col - 1),
                                                    end=lm.position(stop[1], end_col - 1)), new_text=new_text))
    return out


def probe_fix_actions(ls: Any, res: UriResults, rng: types.Range) -> list[types.CodeAction]:
    """Quick fixes for the last probe's findings that carry a measured edit (PRB007's rate, PRB017's epochs,
    PRB018's repair) on a line overlapping `rng`. Never "preferred" and titled "review": the probe proved the
    change on a short run, not the user's whole training."""
    state: ProbeState | None = ls.probe_reports.get(res.unit)
    if state is None:
        return []
    lm = LineMap(res.lines, ls.encoding)
    actions = []
    for pf in state.findings:
        fix = pf.get("fix")
        if not isinstance(fix, dict):
            continue
        diag = _probe_diagnostic(ls, res, lm, state, pf)
        edits = _fix_edits(state, res, lm, fix)
        if diag is None or not edits:
            continue
        if not any(ranges_overlap(r, rng) for r in [diag.range] + [e.range for e in edits]):
            continue
        static = [p.diagnostic for p in res.placed
                  if _folded({p.finding.span.line: {p.finding.rule}}, pf)]  # the diagnostic it is folded into
        rule = pf.get("rule")
        title = fix.get("title") or "apply the measured fix"
        actions.append(types.CodeAction(
            title=f"{title} ({rule}, measured by the probe; review)",
            kind=types.CodeActionKind.QuickFix, diagnostics=static or [diag], is_preferred=False,
            edit=workspace_edit(ls, [(res.uri, res.version, e) for e in edits])))
    return actions


def hover_results(ls: Any, unit: str, findings: list[Finding], uri: str, line0: int) -> tuple[list[str], list[str]]:
    """What the last probe says, for a hover: its result for each static finding in a few words ("" where it
    said nothing), and one line for each probe finding of its own on this line that no static finding there
    covers. The evidence in full is the report view's."""
    state: ProbeState | None = ls.probe_reports.get(unit)
    if state is None:
        return [""] * len(findings), []
    results = []
    for f in findings:
        pf = verdict_for(state, f)
        results.append(probe_result(pf).removeprefix("probe: ") if pf is not None else "")
    static_rules = {f.span.line: {g.rule for g in findings if g.span.line == f.span.line} for f in findings}
    extra = []
    for pf in state.findings:
        where = state.where(int(pf.get("line") or 0)) if isinstance(pf.get("line"), int) else None
        if where != (uri, line0 + 1) or not str(pf.get("rule", "")).startswith("PRB") or _folded(static_rules, pf):
            continue
        result = str(pf.get("result") or "")
        extra.append(f"**Probe** ({pf['rule']}): {pf.get('message') or ''}" + (f" ({result})" if result else ""))
    return results, extra


# ----------------------------------------------------------------------------- the command
def _runner() -> Callable[..., dict] | None:
    """`learnability.probe.runner.run_probe`, or the `module:function` named by the environment
    variable LEARNABILITY_PROBE_RUNNER (tests, custom probes)."""
    spec = os.environ.get("LEARNABILITY_PROBE_RUNNER") or "learnability.probe.runner:run_probe"
    module_name, _, func = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, func or "run_probe", None)


def _percent(fraction: Any) -> int:
    """The runner reports progress as a fraction (0..1)."""
    try:
        v = float(fraction) * 100.0
    except (TypeError, ValueError):
        return 0
    return int(max(0.0, min(100.0, v)))


async def run_probe_command(ls: Any, *args: Any) -> dict:
    from learnability.lsp.diagnostics import publish_uri, take_snapshot
    from learnability.lsp.notebooks import unit_of

    if len(args) != 1 or not isinstance(args[0], str) or not args[0]:
        raise JsonRpcInvalidParams("learnability.runProbe takes one argument: the document's URI")
    uri = args[0]
    unit_uri = unit_of(ls, uri)
    unit = ls.units.get(unit_uri) if unit_uri else None
    if unit is None:
        raise JsonRpcInvalidParams(f"{uri} is not open in the editor")
    run_probe = _runner()
    if run_probe is None:
        message = ("The learnability training probe is not available in this installation "
                   "(learnability.probe.runner is missing). Static diagnostics still work; "
                   "`learnability probe FILE` runs it from a terminal once installed.")
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        return {"ok": False, "message": message}
    if unit.uri in ls.probes:
        message = "A learnability probe is already running for this file."
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=message))
        return {"ok": False, "message": message}
    snap = take_snapshot(ls, unit)
    if snap is None:
        raise JsonRpcInvalidParams(f"{uri} is not open in the editor")
    path = snap.path or uri
    if imports_keras(snap.text) is False:
        message = ("The learnability probe trains a Keras model, and this file never imports Keras or TensorFlow "
                   "(`import keras`, `from tensorflow import keras`), so it was not run. Probe the script that "
                   "builds and fits the model.")
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
        return {"ok": False, "message": message}
    cancel = threading.Event()
    ls.probes[unit.uri] = cancel
    loop = asyncio.get_running_loop()
    token: str | None = None
    if ls.client_supports("window.work_done_progress"):
        token = f"learnability-probe-{uuid.uuid4()}"
        try:
            await ls.work_done_progress.create_async(token)
            ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
                title="Learnability probe", message="starting", percentage=0, cancellable=True))
            fut = ls.work_done_progress.tokens.get(token)
            if fut is not None:
                fut.add_done_callback(lambda f: cancel.set() if f.cancelled() else None)
        except Exception as exc:
            ls.log("warning", f"no progress reporting for the probe: {exc!r}")
            token = None
    last = [0]

    def report_progress(value: Any, message: Any) -> None:
        if token is None:
            return
        pct = max(last[0], _percent(value))
        last[0] = pct
        ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=str(message or ""), percentage=pct))

    def on_progress(value: float, message: str) -> None:
        try:
            loop.call_soon_threadsafe(report_progress, value, message)
        except RuntimeError:
            pass

    done: asyncio.Future = loop.create_future()
    settings = ls.settings

    def work() -> None:
        try:
            result: Any = run_probe(path, source=snap.text, python=settings.interpreter or sys.executable,
                                    budget_s=settings.probe_budget_s, timeout_s=settings.probe_timeout_s,
                                    on_progress=on_progress, cancel=cancel)
        except BaseException as exc:  # the probe's failure is a report, never a crash
            result = {"version": 1, "file": path, "verdict": "error", "summary": f"the probe failed: {exc!r}",
                      "findings": []}
        try:
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(result))
        except RuntimeError:
            pass

    threading.Thread(target=work, daemon=True, name="learnability-probe").start()
    try:
        report = await done
    except asyncio.CancelledError:  # $/cancelRequest (pygls cancels this task), or shutdown
        cancel.set()  # the training stops too: the runner kills its worker within a second
        raise
    finally:
        ls.probes.pop(unit.uri, None)
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(
                message="cancelled" if cancel.is_set() else "done"))
    if not isinstance(report, dict):
        report = {"version": 1, "file": path, "verdict": "error", "summary": "the probe returned no report",
                  "findings": []}
    if ls.units.get(unit.uri) is unit:
        ls.probe_reports[unit.uri] = ProbeState(report, snap.where, _probe_findings(report))
        for doc_uri in list(unit.cell_uris or [unit.uri]):
            publish_uri(ls, doc_uri)
    ls.protocol.notify(PROBE_REPORT, {"uri": unit.uri, "report": report})
    verdict = report.get("verdict", "?")
    summary = report.get("summary") or ""
    ls.log("info", f"Probe of {unit.uri}: {verdict_title(verdict)}" + (f" ({summary})" if summary else ""))
    if ls.client_supports("workspace.code_lens.refresh_support"):
        try:
            ls.workspace_code_lens_refresh(None)
        except Exception:
            pass
    return {"ok": verdict != "error", "verdict": verdict, "summary": summary, "report": report}


def register(ls: Any) -> None:
    @ls.command("learnability.runProbe")
    async def run_probe(ls: Any, *args: Any) -> dict:
        return await run_probe_command(ls, *args)
