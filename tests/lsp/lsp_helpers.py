"""Driving the language server end to end with pytest-lsp, as VS Code would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import attrs
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
HERE = Path(__file__).resolve().parent


def vscode_caps(**changes: Any) -> types.ClientCapabilities:
    caps = client_capabilities("visual-studio-code")
    for dotted, value in changes.items():
        obj = caps
        *parents, last = dotted.split(".")
        for p in parents:
            obj = getattr(obj, p)
        setattr(obj, last, value)
    return caps


def notebook_caps() -> types.ClientCapabilities:
    caps = vscode_caps()
    caps.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities(dynamic_registration=False))
    return caps


class Recorder:
    """Every publishDiagnostics and custom notification the client receives, in order."""

    def __init__(self) -> None:
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []
        self.custom: list[tuple[str, Any]] = []


def make_client() -> tuple[LanguageClient, Recorder]:
    client = LanguageClient(converter_factory=default_converter)
    rec = Recorder()
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        rec.published.append((time.perf_counter(), params))
        client.diagnostics[params.uri] = params.diagnostics

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)

    @client.feature("learnability/probeReport")
    def probe_report(client: LanguageClient, params: Any) -> None:
        rec.custom.append(("learnability/probeReport", params))

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def code_lens_refresh(client: LanguageClient, params: Any) -> None:
        return None

    return client, rec


@contextlib.asynccontextmanager
async def session(caps: types.ClientCapabilities | None = None, init_options: Any = None,
                  env: dict[str, str] | None = None, root: Path | None = None,
                  configuration: dict | None = None, cwd: Path | None = None,
                  command: list[str] | None = None) -> AsyncIterator[tuple[LanguageClient, Recorder]]:
    """A started and initialised server (`python -m learnability serve` unless `command` says otherwise),
    run in `cwd` (default: this process's working folder)."""
    client, rec = make_client()
    if configuration is not None:
        client.set_configuration(configuration, section="learnability")
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in [str(HERE), str(ROOT / "server"), full_env.get("PYTHONPATH")] if p)
    full_env.update(env or {})
    cmd = command or [sys.executable, "-m", "learnability", "serve"]
    await client.start_io(cmd[0], *cmd[1:], env=full_env, cwd=str(cwd) if cwd else None)
    try:
        client.init_result = await asyncio.wait_for(client.initialize_session(types.InitializeParams(
            capabilities=caps or vscode_caps(),
            root_uri=(root or ROOT).as_uri(),
            initialization_options=init_options,
            workspace_folders=[types.WorkspaceFolder(uri=(root or ROOT).as_uri(), name="root")],
        )), 30)
        yield client, rec
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), 15)
        except Exception:
            pass
        await client.stop()


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))


def replace_all(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def wait_for(predicate: Callable[[], Any], timeout: float = 20.0, interval: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(interval)


async def wait_diagnostics(client: LanguageClient, rec: Recorder, uri: str, after: int = 0,
                           timeout: float = 20.0) -> list[types.Diagnostic]:
    """The first diagnostics for `uri` published after the `after`-th notification."""
    def found() -> Any:
        for _, p in rec.published[after:]:
            if p.uri == uri:
                return [list(p.diagnostics)]
        return None

    return (await wait_for(found, timeout))[0]


def codes(diags: list[types.Diagnostic]) -> list[tuple[str, int]]:
    return sorted((str(d.code), d.range.start.line + 1) for d in diags)


def utf16_offset(text: str, line: int, character: int) -> int:
    """Offset in `text` (code points) of an LSP position counted in UTF-16 units."""
    lines = text.split("\n")
    offset = sum(len(l) + 1 for l in lines[:line])
    units = 0
    for i, ch in enumerate(lines[line] if line < len(lines) else ""):
        if units >= character:
            return offset + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return offset + len(lines[line]) if line < len(lines) else len(text)


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(((utf16_offset(text, e.range.start.line, e.range.start.character),
                     utf16_offset(text, e.range.end.line, e.range.end.character), e.new_text) for e in edits),
                   reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def edits_of(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    out: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            out.extend(change.edits)  # type: ignore[arg-type]
    for u, edits in (edit.changes or {}).items():
        if u == uri:
            out.extend(edits)
    return out


def evolve(obj: Any, **kw: Any) -> Any:
    return attrs.evolve(obj, **kw)


async def raw_request(client: LanguageClient, method: str, params: Any, timeout: float = 10.0) -> Any:
    """Send a request exactly as given (no type checks): what a buggy client would send."""
    import uuid
    from concurrent.futures import Future

    proto = client.protocol
    msg_id = str(uuid.uuid4())
    future: Future = Future()
    proto._request_futures[msg_id] = future
    proto._result_types[msg_id] = None
    message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if params is not None:
        message["params"] = params
    proto._send_data(message)
    return await asyncio.wait_for(asyncio.wrap_future(future), timeout)


def raw_notify(client: LanguageClient, method: str, params: Any) -> None:
    client.protocol._send_data({"jsonrpc": "2.0", "method": method, "params": params})
