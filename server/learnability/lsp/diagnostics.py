"""Diagnostics: lint on open / change (debounced per document) / save, cleared on close.

Every change bumps the unit's generation (a vscode-pylint-style counter); a lint run remembers the
generation it analysed and its results are dropped when the document has moved on. The analysis
itself runs in the worker process (`worker.py`), so the event loop only takes snapshots
(`snapshots.py`) and hands the outcome to the one publisher (`publish.py`).
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import unquote

from lsprotocol import types

from learnability.lsp.publish import clear_uri, keep_probe, publish_outcome
from learnability.lsp.server import LearnabilityServer
from learnability.lsp.snapshots import take_snapshot
from learnability.lsp.state import BIG_BYTES, LIVE_LIMIT_BYTES, Unit
from learnability.lsp.worker import Superseded, WorkerCrashed


# ----------------------------------------------------------------------------- scheduling
def schedule(ls: LearnabilityServer, unit: Unit, delay: float) -> None:
    if unit.task is not None and not unit.task.done():
        unit.task.cancel()
    unit.task = asyncio.get_running_loop().create_task(_lint(ls, unit, delay))


def relint_all(ls: LearnabilityServer) -> None:
    for unit in list(ls.units.values()):
        unit.generation += 1
        schedule(ls, unit, 0)


async def _lint(ls: LearnabilityServer, unit: Unit, delay: float) -> None:
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


# ----------------------------------------------------------------------------- closing
def close_unit(ls: LearnabilityServer, unit_uri: str) -> None:
    unit = ls.units.pop(unit_uri, None)
    if unit is None:
        return
    if unit.task is not None and not unit.task.done():
        unit.task.cancel()
    ls.big_worker.cancel_key(unit_uri)
    event = ls.probes.get(unit_uri)
    if event is not None:
        event.set()
    keep_probe(ls, unit_uri)  # shown again if the file is reopened unchanged
    for uri in unit.cell_uris or [unit_uri]:
        clear_uri(ls, uri)


# ----------------------------------------------------------------------------- text documents
def _is_python(doc: types.TextDocumentItem) -> bool:
    return doc.language_id in ("python", "", None) or doc.uri.endswith((".py", ".pyi"))


def register(server: LearnabilityServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LearnabilityServer, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        if not _is_python(doc):
            return
        unit = ls.units.get(doc.uri)
        if unit is None:
            unit = ls.units[doc.uri] = Unit(doc.uri, "text")
        unit.generation += 1
        schedule(ls, unit, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LearnabilityServer, params: types.DidChangeTextDocumentParams) -> None:
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

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LearnabilityServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith("pyproject.toml"):  # [tool.learnability] may have changed
            ls.resolver.clear()
            relint_all(ls)
            return
        unit = ls.units.get(params.text_document.uri)
        if unit is None:
            return
        if unit.published_generation != unit.generation or ls.settings.lint_on == "save":
            schedule(ls, unit, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LearnabilityServer, params: types.DidCloseTextDocumentParams) -> None:
        close_unit(ls, params.text_document.uri)
