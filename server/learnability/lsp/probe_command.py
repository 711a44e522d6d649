"""`learnability.runProbe` [uri] (or [uri, {"ported": true}]): train the file's model briefly and confirm each
diagnosis. With "ported", a temporary copy with the safe Keras 3 fixes applied is probed instead (probe/port.py;
the document is never changed), and the report's lines are mapped back to the document's.

The probe itself is `learnability.probe.runner.run_probe` (blocking; it starts its own interpreter,
the one from the `interpreter` setting or this one). Here it runs in a daemon thread with work-done
progress (percentage, cancellable: cancelling sets its `cancel` event). Its report then goes, its findings
typed (`state.ProbeFinding`), to the one publisher (`publish.record_probe`), and there it:
- amends the static findings it confirms or refutes ("(confirmed by probe: ...)" / "(probe: not confirmed — ...)"):
  a probe finding about a static finding (the same rule, or a rule its `confirms` names, on the same line) is
  folded into that diagnostic and not published again,
- becomes diagnostics of its own (source "learnability-probe") only for what no static finding covers,
- shows up in hovers as measured evidence,
- is sent to the client as the notification `learnability/probeReport` {"uri", "report"} (a notebook's with
  every line counted in its cell: `sources.report_in_cells`).
The probe analyses the file with the rule settings the squiggles use (the editor's over pyproject.toml), and
its report names them (`rule_thresholds`).
Without the runner module the command answers with a clear message instead.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import threading
import uuid
from typing import Any, Callable

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from learnability.lsp.probe_view import verdict_title
from learnability.lsp.publish import record_probe, refresh_code_lenses
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.snapshots import take_snapshot, unit_of
from learnability.sources import report_in_cells

PROBE_REPORT = "learnability/probeReport"
# Modules a script must import (directly) for the probe to have a Keras model to train.
KERAS_MODULES = frozenset({"keras", "tensorflow", "tf_keras"})


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


# ----------------------------------------------------------------------------- the command
def _runner() -> Callable[..., dict[str, Any]] | None:
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


async def run_probe_command(ls: LearnabilityServer, *args: Any) -> dict[str, Any]:
    if not 1 <= len(args) <= 2 or not isinstance(args[0], str) or not args[0] or \
            (len(args) == 2 and not isinstance(args[1], dict)):
        raise JsonRpcInvalidParams("learnability.runProbe takes the document's URI and optionally {\"ported\": true}")
    uri = args[0]
    ported = len(args) == 2 and args[1].get("ported") is True
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

    done: asyncio.Future[Any] = loop.create_future()
    settings = ls.settings
    # the rule settings the squiggles use (editor settings over pyproject.toml), so that the probe tests
    # what the user sees; a problem with them is the lint's to report
    config, _ = ls.resolver.config_for(snap.path, settings)
    editor_thresholds = frozenset(settings.thresholds)

    def settle(result: Any) -> None:  # on the loop: the report, unless the probe was abandoned meanwhile
        if not done.done():
            done.set_result(result)

    def work() -> None:
        try:
            probe: Callable[..., Any] = run_probe
            if ported:  # the safe Keras 3 fixes on a temporary copy, run under this document's path
                from functools import partial

                from learnability.probe.port import probe_ported

                probe = partial(probe_ported, run_probe)
            result: Any = probe(path, source=snap.text, python=settings.interpreter or sys.executable,
                                budget_s=settings.probe_budget_s, timeout_s=settings.probe_timeout_s,
                                on_progress=on_progress, cancel=cancel, config=config,
                                editor_thresholds=editor_thresholds)
        except BaseException as exc:  # the probe's failure is a report, never a crash
            result = _error_report(path, f"the probe failed: {exc!r}")
        try:
            loop.call_soon_threadsafe(settle, result)
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
        report = _error_report(path, "the probe returned no report")
    blocks = (report.get("ported") or {}).get("blocks") if isinstance(report.get("ported"), dict) else None
    line_of: Callable[[int], int] | None = None
    if isinstance(blocks, list):  # a ported copy's lines -> the document's lines
        from learnability.probe.port import original_line

        line_of = (lambda b: lambda line: original_line(b, line))(blocks)
    if ls.units.get(unit.uri) is unit:
        record_probe(ls, unit, report, snap, line_of=line_of)
    # what the user reads: in a notebook every line counted in its cell (the kept report has program lines)
    locate = snap.locate
    if locate is not None:
        cells = locate if line_of is None else (lambda lo, loc: lambda line: loc(lo(line)))(line_of, locate)
        report = report_in_cells(report, cells)
    ls.protocol.notify(PROBE_REPORT, {"uri": unit.uri, "report": report})
    verdict = report.get("verdict", "?")
    summary = report.get("summary") or ""
    ls.log("info", f"Probe of {unit.uri}: {verdict_title(verdict)}" + (f" ({summary})" if summary else ""))
    refresh_code_lenses(ls)
    return {"ok": verdict != "error", "verdict": verdict, "summary": summary, "report": report}


def _error_report(path: str, message: str) -> dict[str, Any]:
    """A report of the probe's own failure, of the report's one shape (probe.messages.ProbeReport)."""
    from learnability.probe.report import error_report

    return error_report(path, message)


def register(server: LearnabilityServer) -> None:
    @server.command("learnability.runProbe")
    async def run_probe(ls: LearnabilityServer, *args: Any) -> dict[str, Any]:
        return await run_probe_command(ls, *args)
