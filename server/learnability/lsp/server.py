"""The Learnability language server: the typed `LearnabilityServer` that holds the state, its protocol
(JSON-RPC made strict) and its framed stdin; logging and error handling.

Features live in their own modules (diagnostics, notebooks, code_actions, hover, code_lens, commands,
probe_command, lifecycle); each has a `register(server)` that adds its handlers, and `main.create_server`
registers them all. This module imports no feature: the data types live in `state.py` below it.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import traceback
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import MsgId, RPCRequest

from learnability import __version__
from learnability.lsp.positions import encoding_of
from learnability.lsp.settings import LOG_LEVELS, ConfigResolver, Settings
from learnability.lsp.state import DEBOUNCE_S, ProbeState, Unit, UriResults
from learnability.lsp.worker import AnalysisWorker

if TYPE_CHECKING:
    from pygls.protocol.json_rpc import MessageCallback, MessageHandler

logger = logging.getLogger("learnability.lsp")


MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # a message above this is skipped (logged), never read into memory
MAX_HEADER_LINE = 8192  # bytes of one header line; longer lines are not headers
MAX_HEADERS = 32  # header lines in one message
_TOKEN = rb"[A-Za-z0-9!#$%&'*+.^_`|~-]+"  # an HTTP header name (RFC 9110 token)
_HEADER_LINE = re.compile(rb"^(" + _TOKEN + rb"):[ \t]*(.*?)[ \t]*\r?\n$", re.S)
_CONTENT_LENGTH_AT_END = re.compile(rb"Content-Length:[ \t]*([0-9]+)[ \t]*\r?\n$", re.I)


class FramedStdin:
    """The server's stdin as pygls 2.1 reads it (`readline()`, `read(n)`), made safe against bad framing.

    pygls' loop (`pygls.io_.run_async`) trusts every `Content-Length`: one wrong value leaves it reading
    each later body as headers (alive but deaf to every request), and a huge one makes it allocate that
    much. This reader parses the header block itself and hands pygls only well-formed frames
    (`Content-Length: N`, a blank line, N bytes). Anything else is skipped, logged with its size, and
    reading resynchronises on the next `Content-Length` header (also one glued to the end of a broken
    body). A message above `MAX_MESSAGE_BYTES` is skipped the same way, never buffered; header lines are
    read at most MAX_HEADER_LINE bytes at a time. A stream that ends mid-message ends the server as an
    end of input does."""

    def __init__(self, raw: BinaryIO, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._in = raw
        self._max = max_bytes
        self._lines: list[bytes] = []
        self.skipped = 0  # bytes skipped so far (framing errors), for tests and logs

    def readline(self) -> bytes:
        if not self._lines:
            length = self._next_frame()
            if length is None:
                return b""
            self._lines = [b"Content-Length: %d\r\n" % length, b"\r\n"]
        return self._lines.pop(0)

    def read(self, n: int) -> bytes:
        data = self._in.read(n)
        if len(data) < n:
            logger.warning("the input ended inside a message (%d of %d bytes)", len(data), n)
            return b""
        return data

    def _skip(self, count: int, why: str) -> None:
        if count:
            self.skipped += count
            logger.warning("framing error: skipped %d bytes (%s); resynchronising on the next Content-Length "
                           "header", count, why)

    def _next_frame(self) -> int | None:
        """Read up to and including the blank line after a usable header block; its Content-Length."""
        in_headers = False
        length: int | None = None
        count = 0
        block = 0  # bytes of the current header block
        junk = 0  # bytes skipped since the last frame
        tail = b""  # the end of an over-long line (a header may straddle two reads)
        while True:
            line = self._in.readline(MAX_HEADER_LINE)
            if not line:
                self._skip(junk + block, "the input ended")
                return None
            if not line.endswith(b"\n"):  # a piece of an over-long line: not a header
                junk += block + len(line)
                block, in_headers, tail = 0, False, line[-64:]
                continue
            joined = tail + line
            tail = b""
            m = _CONTENT_LENGTH_AT_END.search(joined)
            if m is not None and m.start() > 0:  # a header glued to the end of a broken body
                junk += block + len(line) - (len(joined) - m.start())
                in_headers, length, count, block = True, int(m.group(1)), 1, len(joined) - m.start()
                continue
            if in_headers and not line.strip():  # the blank line: end of the header block
                if length is not None and 0 < length <= self._max:
                    self._skip(junk, "not a message")
                    return length
                why = ("a message without Content-Length" if length is None else
                       f"a message of {length} bytes, above the {self._max}-byte limit" if length > self._max
                       else "an empty message")
                junk += block + len(line)
                self._skip(junk, why)
                junk, block, in_headers, length, count = 0, 0, False, None, 0
                continue
            h = _HEADER_LINE.match(line)
            if h is None or count >= MAX_HEADERS:
                if in_headers or line.strip():
                    junk += block + len(line)
                block, in_headers, length, count = 0, False, None, 0
                continue
            if not in_headers:
                in_headers, length, count, block = True, None, 0, 0
            count += 1
            block += len(line)
            if h.group(1).lower() == b"content-length":
                value = h.group(2)
                length = int(value) if value.isdigit() and len(value) <= 19 else self._max + 1


class _FutureTable(dict[MsgId, "Future[Any]"]):
    """`_request_futures` whose `items()` is a snapshot: pygls' `shutdown` cancels the pending futures while
    iterating over it, and a cancelled future's callbacks (pygls' own, which pop the request, and ours,
    which drop finished futures) remove entries at once."""

    def items(self) -> list[tuple[MsgId, Future[Any]]]:  # type: ignore[override]  # a list (a snapshot), not a view
        return list(super().items())


class LearnabilityProtocol(LanguageServerProtocol):
    """pygls' protocol, made to answer what the LSP and JSON-RPC specifications ask:

    - a request whose params do not fit the method gets an "invalid params" error (pygls 2.1 logs such a
      message and drops it, which leaves the client waiting forever);
    - a request before `initialize` gets -32002 (ServerNotInitialized), a notification then is dropped
      (except `exit`); a second `initialize` gets InvalidRequest;
    - a request after `shutdown` gets InvalidRequest (pygls drops it unanswered);
    - a body that is not JSON gets -32700 (ParseError, id null), a JSON value that is not a JSON-RPC
      message gets -32600 (InvalidRequest) — see `LearnabilityServer.report_server_error`;
    - `$/cancelRequest` reaches the handler of a command (pygls cancels only the request's own future);
    - finished futures are dropped: pygls 2.1.1 keeps one in `_request_futures` for every notification
      (and every sub-handler of its built-in features) forever — about 2 MB per 1,000 edits.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_futures = _FutureTable()
        self.initialize_seen = False
        self.exit_code: int | None = None  # set by `exit`: 0 after `shutdown`, else 1

    def structure_message(self, data: dict[str, Any]) -> object:  # pygls' message, or an _IllFormedRequest
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "jsonrpc" in data and "id" in data and "method" in data:
                return _IllFormedRequest(data.get("id"), str(data.get("method")), exc)
            raise

    def handle_message(self, message: Any) -> None:  # whatever structure_message made of the JSON value
        if isinstance(message, _IllFormedRequest):
            err = message.error
            if not isinstance(err, JsonRpcInvalidParams):
                err = JsonRpcInvalidParams(f"invalid params for {message.method}")
            cause = err.__cause__
            detail = f": {cause}" if cause is not None else ""
            self._send_response(message.id, None, JsonRpcInvalidParams(
                f"invalid params for {message.method}{detail}"[:2000]).to_response_error())
            return None
        if not hasattr(message, "jsonrpc"):  # not JSON-RPC at all: a dict without "jsonrpc", a list, a number
            msg_id = message.get("id") if isinstance(message, dict) else None
            if not isinstance(message, dict) or (msg_id is not None and "method" in message):
                self.send_error(msg_id if isinstance(msg_id, (int, str)) else None,
                                JsonRpcInvalidRequest("not a JSON-RPC 2.0 request"))
            return None
        method = getattr(message, "method", None)
        request = isinstance(message, RPCRequest)
        if request and (isinstance(message.id, bool) or not isinstance(message.id, (int, str))):
            self.send_error(None, JsonRpcInvalidRequest(f"a request id must be an integer or a string, "
                                                        f"not {type(message.id).__name__}"))
            return None
        if message.jsonrpc != self.VERSION:
            if request:
                self._send_response(message.id, None, JsonRpcInvalidRequest(
                    f"unsupported JSON-RPC version {message.jsonrpc!r}").to_response_error())
            return None
        if method is not None and method != types.EXIT:
            error: JsonRpcException | None = None
            if self._shutdown:
                error = JsonRpcInvalidRequest(f"the server is shut down: {method} refused")
            elif method == types.INITIALIZE:
                if self.initialize_seen:
                    error = JsonRpcInvalidRequest("initialize was already received")
                self.initialize_seen = True
            elif not self.initialize_seen:
                error = JsonRpcServerNotInitialized(f"{method} before initialize")
            if error is not None:
                if request:
                    self._send_response(message.id, None, error.to_response_error())
                return None  # a notification is dropped
        if method == types.EXIT:
            self.exit_code = 0 if self._shutdown else 1
        super().handle_message(message)

    def send_error(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        """An error response; with `"id": null` when the request's id is unknown (pygls' converter would
        leave the id out, which JSON-RPC does not allow)."""
        if msg_id is not None:
            self._send_response(msg_id, None, error.to_response_error())
            return
        self._send_data({"jsonrpc": self.VERSION, "id": None,
                         "error": {"code": error.code, "message": error.message}})

    def _execute_handler(self, msg_id: MsgId, handler: MessageHandler, callback: MessageCallback,
                         args: tuple[Any, ...] | None = None, kwargs: dict[str, Any] | None = None) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is None:
            return

        def forget(done: Any, msg_id: Any = msg_id) -> None:
            if self._request_futures.get(msg_id) is done:
                del self._request_futures[msg_id]

        future.add_done_callback(forget)
        # A handler run on behalf of a built-in generator feature (our command under
        # workspace/executeCommand): pygls cancels only the request's own future on $/cancelRequest, so
        # the handler would run on. Cancel it with the request.
        parent = callback.keywords.get("result_future") if isinstance(callback, functools.partial) else None
        if parent is not None:
            def propagate(request: Any, sub: Any = future) -> None:
                if request.cancelled() and not sub.done():
                    sub.cancel()

            parent.add_done_callback(propagate)


@dataclass
class _IllFormedRequest:
    id: Any
    method: str
    error: Exception
    jsonrpc: str = "2.0"


class LearnabilityServer(LanguageServer):
    protocol: LearnabilityProtocol  # (made by pygls from protocol_cls below)

    def __init__(self) -> None:
        super().__init__(
            "learnability",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                # "*": any notebook type (vscode-languageclient matches "*" against every type); a
                # cells-only filter is valid LSP too, but pygls-based clients cannot read it. Cells: every
                # cell ("*", which vscode-languageclient matches against every language), so that cell
                # numbers count the markdown cells as the notebook shows them; only Python cells are
                # analysed (snapshots.notebook_snapshot). "python" first, for clients that read "*" literally.
                notebook_selector=[types.NotebookDocumentFilterWithCells(
                    notebook="*", cells=[types.NotebookCellLanguage(language="python"),
                                         types.NotebookCellLanguage(language="*")])],
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
        self.probe_reports: dict[str, ProbeState] = {}  # by unit uri: the last probe, shown (its text is the unit's)
        # by unit uri: a last probe not shown now (the text changed since, or the file was closed), shown again
        # when the unit's text is the one it ran on (an undo, a reopen); the oldest go past PROBES_KEPT
        self.probes_kept: dict[str, ProbeState] = {}
        self.probes: dict[str, threading.Event] = {}  # unit uri -> running probe (its cancel event)
        self.debounce_s = DEBOUNCE_S
        # The docs/rules.md the client ships, as a file URI (initializationOptions "rulesDocument"; the VS Code
        # extension sends its bundled copy): rule links open it offline when no project URL is configured.
        self.rules_document: str | None = None
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
        if isinstance(error, (ValueError, RecursionError)) and source is JsonRpcException:
            # pygls' loop could not decode a body (json.loads: JSONDecodeError, UnicodeDecodeError, nesting
            # too deep): answer ParseError, id null, as JSON-RPC asks
            self.log("warning", f"a message that is not valid JSON was ignored: {error}"[:500])
            try:
                self.protocol.send_error(None, JsonRpcParseError(f"parse error: {error}"[:500]))
            except Exception:
                pass
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
        return encoding_of(self)

    # ------------------------------------------------------------------ rule links
    def set_rules_document(self, options: object) -> None:
        """Take the client's `rulesDocument` from initializationOptions (ignored unless a string URI)."""
        value = options.get("rulesDocument") if isinstance(options, dict) else None
        self.rules_document = value if isinstance(value, str) and value else None

    def docs_url(self, rule_id: str) -> str | None:
        """The rule's documentation link (codeDescription, hover): the configured project URL
        ($LEARNABILITY_DOCS_URL), else the client's shipped docs/rules.md at the rule's heading, else None.
        Imported lazily: the rule catalog pulls in libcst, which only the analysis worker needs."""
        from learnability.rules.base import docs_url as project_url
        from learnability.rules.base import rules_document_href

        url = project_url(rule_id)
        if url is None and self.rules_document is not None:
            url = rules_document_href(self.rules_document, rule_id)
        return url
