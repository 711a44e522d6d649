"""The Learnability language server: state, lifecycle, logging and error handling.

Features live in their own modules (diagnostics, code_actions, hover, code_lens, notebooks,
probe_command, commands); each has a `register(server)` that adds its handlers.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from learnability import __version__
from learnability.findings import Finding
from learnability.lsp.settings import LOG_LEVELS, ConfigResolver, Settings
from learnability.lsp.worker import AnalysisWorker

SOURCE = "learnability"
PROBE_SOURCE = "learnability-probe"
DEBOUNCE_S = 0.3
LIVE_LIMIT_BYTES = 1_000_000  # above this a document is linted on open and save, not on every change
BIG_BYTES = 300_000  # documents above this go to a second worker, so they never delay the others

logger = logging.getLogger("learnability.lsp")


@dataclass
class Placed:
    """A finding placed in one editor document, in the client's position units."""

    finding: Finding
    uri: str
    version: int | None
    range: types.Range
    diagnostic: types.Diagnostic
    # the fix's edits, minimal and in client units: (uri, version, edit); None when not fixable
    fix_edits: list[tuple[str, int | None, types.TextEdit]] | None = None
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


@dataclass
class Unit:
    """What is analysed as one program: an open file, or an open notebook (all its code cells)."""

    uri: str
    kind: str  # "text" | "notebook"
    generation: int = 0  # bumped on every change; results for an older generation are dropped
    published_generation: int = -1
    expected_s: float = 0.0  # how long an analysis of this unit takes (moving average, seconds)
    task: asyncio.Task | None = None
    cell_uris: list[str] = field(default_factory=list)  # notebooks: the cells last published


class LearnabilityProtocol(LanguageServerProtocol):
    """Answers a request whose params do not fit the method with an error response.

    (pygls 2.1 logs such a message and drops it, which leaves the client waiting forever.)"""

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "jsonrpc" in data and "id" in data and "method" in data:
                return _IllFormedRequest(data.get("id"), str(data.get("method")), exc)
            raise

    def handle_message(self, message):
        if isinstance(message, _IllFormedRequest):
            err = message.error
            if not isinstance(err, JsonRpcInvalidParams):
                err = JsonRpcInvalidParams(f"invalid params for {message.method}")
            cause = err.__cause__
            detail = f": {cause}" if cause is not None else ""
            self._send_response(message.id, None, JsonRpcInvalidParams(
                f"invalid params for {message.method}{detail}"[:2000]).to_response_error())
            return None
        if isinstance(message, dict):  # not JSON-RPC at all
            msg_id = message.get("id")
            if msg_id is not None and "method" in message:
                self._send_response(msg_id, None, JsonRpcInvalidRequest("not a JSON-RPC 2.0 request").to_response_error())
            return None
        return super().handle_message(message)


@dataclass
class _IllFormedRequest:
    id: Any
    method: str
    error: Exception
    jsonrpc: str = "2.0"


class LearnabilityServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "learnability",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                # "*": any notebook type (vscode-languageclient matches "*" against every type); a
                # cells-only filter is valid LSP too, but pygls-based clients cannot read it
                notebook_selector=[types.NotebookDocumentFilterWithCells(
                    notebook="*", cells=[types.NotebookCellLanguage(language="python")])],
                save=True,
            ),
            protocol_cls=LearnabilityProtocol,
        )
        self.settings = Settings()
        self.resolver = ConfigResolver()
        self.worker = AnalysisWorker(log=lambda m: self.log("warning", m))
        self.big_worker = AnalysisWorker(log=lambda m: self.log("warning", m))  # started on first use
        self.units: dict[str, Unit] = {}
        self.results: dict[str, UriResults] = {}  # by editor document uri
        self.probe_reports: dict[str, dict] = {}  # by unit uri
        self.probes: dict[str, Any] = {}  # unit uri -> running probe (cancel event)
        self.debounce_s = DEBOUNCE_S
        self._warned: set[str] = set()

    # ------------------------------------------------------------------ logging
    def log(self, level: str, message: str) -> None:
        """window/logMessage, filtered by the `logLevel` setting."""
        if LOG_LEVELS.index(level) > LOG_LEVELS.index(self.settings.log_level):
            return
        kind = {"error": types.MessageType.Error, "warning": types.MessageType.Warning,
                "info": types.MessageType.Info, "debug": types.MessageType.Log}[level]
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # no transport (tests, shutdown)
            logger.log(logging.INFO, message)

    def warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.log("warning", message)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Out-of-band errors go to the log, never as pop-ups, and never take the server down.
        (A failed request already got its error response.)"""
        from pygls.exceptions import FeatureRequestError

        if source is FeatureRequestError:
            return
        try:
            tb = "".join(traceback.format_exception(error, limit=6))
            self.log("error", f"internal error ({getattr(source, '__name__', source)}): {error!r}\n{tb}")
        except Exception:
            pass

    # ------------------------------------------------------------------ capabilities
    def client_supports(self, dotted: str) -> bool:
        obj: Any = self.client_capabilities
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return False
        return bool(obj)

    @property
    def encoding(self) -> str:
        from learnability.lsp.positions import encoding_of

        return encoding_of(self)


def docs_url(rule_id: str) -> str:
    """The rule's documentation link (imported lazily: the rule catalog pulls in libcst, which only
    the analysis worker needs)."""
    from learnability.rules.base import DOCS_URL

    return DOCS_URL.format(id=rule_id.lower())


def warm_up() -> None:
    """Load the rule catalog in the background, so the first hover does not pay for it."""
    def load() -> None:
        try:
            from learnability.rules import all_rules

            all_rules()
        except Exception:
            pass

    threading.Thread(target=load, daemon=True, name="learnability-warm-up").start()


def create_server() -> LearnabilityServer:
    from learnability.lsp import (code_actions, code_lens, commands, diagnostics, hover, lifecycle, notebooks,
                                  probe_command)

    server = LearnabilityServer()
    for module in (lifecycle, diagnostics, notebooks, code_actions, hover, code_lens, commands, probe_command):
        module.register(server)
    return server


def run_server(tcp: str | None = None) -> int:
    """Serve on stdio, or on HOST:PORT for debugging. Returns the exit status."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="learnability-lsp %(levelname)s %(message)s")
    server = create_server()
    try:
        if tcp:
            host, _, port = tcp.rpartition(":")
            server.start_tcp(host or "127.0.0.1", int(port))
        else:
            server.start_io()
    finally:
        server.worker.close()
        server.big_worker.close()
    return 0
