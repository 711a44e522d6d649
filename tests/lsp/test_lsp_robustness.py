"""The server never dies: ill-formed requests get error responses; a 5 MB file does not block it."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsp_helpers import FIXTURES, open_doc, raw_notify, raw_request, replace_all, session, wait_diagnostics, wait_for
from lsprotocol import types
from pygls.exceptions import JsonRpcException

ARTICLE1 = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
URI = (FIXTURES / "article1_sigmoid_scaled.py").as_uri()


async def _alive(client, rec) -> None:
    hover = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(URI), types.Position(11, 45))), 10)
    assert hover is not None and "LRN101" in hover.contents.value


async def test_ill_formed_requests_get_errors_and_the_server_lives():
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        bad = [
            ("textDocument/hover", {"textDocument": 5}),
            ("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": "x", "character": 0}}),
            ("textDocument/codeAction", {"textDocument": {"uri": URI}}),
            ("textDocument/codeLens", []),
            ("textDocument/hover", None),
            ("learnability/noSuchMethod", {}),
            ("workspace/executeCommand", {"command": "learnability.runProbe", "arguments": "not-a-list"}),
        ]
        for method, params in bad:
            with pytest.raises(JsonRpcException):
                await raw_request(client, method, params)
            await _alive(client, rec)
        # positions outside the document, documents never opened: empty answers, not errors
        far = types.Position(10_000, 10_000)
        assert await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(URI), far)) is None
        assert not await client.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier("file:///never/opened.py"), types.Range(far, far),
            types.CodeActionContext(diagnostics=[])))
        # ill-formed notifications are dropped (no response is possible); the server goes on
        raw_notify(client, "textDocument/didOpen", {"textDocument": {"uri": 3}})
        raw_notify(client, "textDocument/didChange", {"textDocument": {"uri": "file:///never/opened.py", "version": 2},
                                                "contentChanges": [{"text": "x"}]})
        raw_notify(client, "workspace/didChangeConfiguration", {"settings": [1, 2, 3]})
        await _alive(client, rec)
        # and linting still works
        replace_all(client, URI, ARTICLE1.replace('"sigmoid", input', '"relu", input'), 2)
        await wait_for(lambda: sum(d.code == "LRN101" for d in client.diagnostics.get(URI, ())) == 1)


def five_megabytes() -> str:
    row = "ROW_{i} = [" + ", ".join(["0.125"] * 14) + "]\n"
    rows = "".join(row.format(i=i) for i in range(5_000_000 // len(row) + 1))
    return ARTICLE1 + rows


async def test_five_megabyte_file_does_not_block_other_requests():
    big_uri = "file:///tmp/learnability-5mb.py"
    big = five_megabytes()
    assert len(big.encode()) > 5_000_000
    async with session() as (client, rec):
        open_doc(client, URI, ARTICLE1)
        await wait_diagnostics(client, rec, URI)
        n = len(rec.published)
        t_open = time.perf_counter()
        open_doc(client, big_uri, big)
        await asyncio.sleep(0.5)
        worst = 0.0
        for i in range(6):  # hovers, code actions and fresh diagnostics of another file, meanwhile
            t0 = time.perf_counter()
            await client.text_document_hover_async(types.HoverParams(
                types.TextDocumentIdentifier(URI), types.Position(9, 45)))
            await client.text_document_code_action_async(types.CodeActionParams(
                types.TextDocumentIdentifier(URI), types.Range(types.Position(9, 0), types.Position(9, 5)),
                types.CodeActionContext(diagnostics=[])))
            worst = max(worst, time.perf_counter() - t0)
            await asyncio.sleep(0.1)
        assert worst < 1.0, f"a request took {worst:.2f} s while the 5 MB file was analysed"
        m = len(rec.published)
        t0 = time.perf_counter()
        replace_all(client, URI, ARTICLE1.replace('"sigmoid", input', '"relu", input'), 2)
        diags = await wait_diagnostics(client, rec, URI, after=m, timeout=10)
        assert sum(d.code == "LRN101" for d in diags) == 1
        assert time.perf_counter() - t0 < 5.0
        still_running = not any(p.uri == big_uri for _, p in rec.published[n:])
        # closing the big file abandons its analysis; the server is still fine
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(big_uri)))
        await _alive(client, rec)
        assert still_running or time.perf_counter() - t_open > 2  # the test did overlap the analysis


async def test_five_megabyte_file_with_a_data_blob_gets_its_diagnostics():
    """A generated file: model code, then 5 MB of data in one statement. The model's findings arrive."""
    big_uri = "file:///tmp/learnability-5mb-blob.py"
    blob = 'TABLE = """\n' + "0.125 0.25 0.5 1.0 2.0 4.0 8.0 16.0 32.0 64.0 0.125 0.25 0.5 1.0\n" * 90_000 + '"""\n'
    big = ARTICLE1 + blob
    assert len(big.encode()) > 5_000_000
    async with session() as (client, rec):
        open_doc(client, big_uri, big)
        diags = await wait_diagnostics(client, rec, big_uri, timeout=60)
        assert any(d.code == "LRN101" for d in diags)
        await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(big_uri), types.Position(9, 45))), 5)
