"""The language server under a misbehaving client, byte by byte: wrong, huge, negative or missing
Content-Length, bodies that are not JSON or not JSON-RPC, and the lifecycle out of order. The server must
answer what the LSP and JSON-RPC specifications ask, resynchronise, and go on answering."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lsp_stream import INITIALIZE, INITIALIZED, RawServer, frame, notification, request

from learnability.lsp.server import MAX_MESSAGE_BYTES, FramedStdin

PARSE_ERROR, INVALID_REQUEST, NOT_INITIALIZED = -32700, -32600, -32002


def probe_request(msg_id: int) -> dict:
    """A request every initialized server answers (with an error: no such command)."""
    return request(msg_id, "workspace/executeCommand", {"command": "learnability.noSuchCommand"})


def answered(server: RawServer, msg_id: int, timeout: float = 20.0) -> bool:
    reply = server.answer(msg_id, timeout)
    return reply is not None and ("result" in reply or "error" in reply)


@pytest.fixture(scope="module")
def server():
    """One initialized server for the tests that leave it in a good state (each checks it still answers)."""
    with RawServer() as s:
        s.send(INITIALIZE)
        assert answered(s, 0)
        s.send(INITIALIZED)
        yield s


_ids = iter(range(1000, 10**9))


def next_id() -> int:
    return next(_ids)


# ----------------------------------------------------------------------------- framing, in process
def frames_of(data: bytes, max_bytes: int = MAX_MESSAGE_BYTES) -> list[bytes]:
    """The bodies pygls would read from `data` through FramedStdin (its loop, reduced)."""
    reader = FramedStdin(io.BufferedReader(io.BytesIO(data)), max_bytes)  # type: ignore[arg-type]
    out = []
    while True:
        header = reader.readline()
        if not header:
            return out
        assert header.startswith(b"Content-Length: ") and reader.readline() == b"\r\n"
        body = reader.read(int(header.split(b":")[1]))
        if not body:
            return out
        out.append(body)


GOOD = frame(b'{"a": 1}')


@pytest.mark.parametrize("bad", [
    b"Content-Length: 3\r\n\r\n" + b'{"a": 1, "b": 2}',  # too short: the rest of the body is junk
    b"garbage without newline",
    b"Content-Length: -5\r\n\r\n{}",
    b"Content-Length: 99999999999999999999999\r\n\r\n" + b"x" * 100,
    b"Content-Length: 0\r\n\r\n",
    b"Content-Type: application/vscode-jsonrpc\r\n\r\n{}",  # no Content-Length
    b"Content-Length: 12abc\r\n\r\n{}",
    b"\x00\xff" * 50_000,  # one 100 kB "line"
    b"X" * 8190 + b"Content-Length: 8\r\n\r\n" + b'{"a": 2}',  # a header straddling two reads
    b"\r\n\r\n\r\n",
])
def test_framed_stdin_resynchronises(bad):
    bodies = frames_of(GOOD + bad + GOOD)
    assert bodies[0] == b'{"a": 1}' and bodies[-1] == b'{"a": 1}'
    assert all(len(b) < 100 for b in bodies)


def test_framed_stdin_caps_a_message_without_reading_it_into_memory():
    big = b"Content-Length: 1000\r\n\r\n" + b"x" * 1000
    assert frames_of(GOOD + big + GOOD, max_bytes=999) == [b'{"a": 1}', b'{"a": 1}']
    assert frames_of(GOOD + big + GOOD, max_bytes=1000)[1] == b"x" * 1000


def test_framed_stdin_ends_at_a_truncated_message():
    assert frames_of(GOOD + b"Content-Length: 50\r\n\r\n{") == [b'{"a": 1}']


# ----------------------------------------------------------------------------- the real server
def test_wrong_content_length_does_not_leave_the_server_deaf(server):
    body = json.dumps(probe_request(next_id())).encode()
    server.write(frame(body, length=len(body) - 7))  # too short
    server.send(probe_request(next_id()))  # glued to the junk: lost
    last = next_id()
    server.send(probe_request(last))
    assert answered(server, last)
    # too long: it swallows the start of what follows; the server finds the next message after that
    body = json.dumps(probe_request(next_id())).encode()
    server.write(frame(body, length=len(body) + 40))
    server.send(notification("$/noSuchNotification", {"padding": "x" * 60}))
    last = next_id()
    server.send(probe_request(last))
    assert answered(server, last)


def test_huge_and_negative_content_length(server):
    pid = server.proc.pid
    before = _peak_rss_mb(pid)
    server.write(b"Content-Length: 1000000000000\r\n\r\n")
    server.write(b"Content-Length: -1\r\n\r\n{}")
    server.write(b"Content-Length: 18446744073709551617\r\n\r\n{}")
    last = next_id()
    server.send(probe_request(last))
    assert answered(server, last)
    assert server.proc.poll() is None
    assert _peak_rss_mb(pid) - before < 50


def test_a_message_above_the_limit_is_skipped_not_buffered(server):
    pid = server.proc.pid
    before = _peak_rss_mb(pid)
    size = MAX_MESSAGE_BYTES + 1024
    body = b'{"jsonrpc": "2.0", "method": "$/x", "params": "' + b"y" * (size - 48) + b'"}'
    server.write(frame(body))
    last = next_id()
    server.send(probe_request(last))
    assert answered(server, last, timeout=60)
    assert _peak_rss_mb(pid) - before < MAX_MESSAGE_BYTES / 2**20 / 2, "the oversized body was buffered"
    assert b"above the" in server.stderr


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.parametrize("body, code", [
    (b"{not json", PARSE_ERROR),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"', PARSE_ERROR),  # cut short
    (b"\xff\xfe{}", PARSE_ERROR),  # not UTF-8
    (b"[" * 50_000 + b"]" * 50_000, PARSE_ERROR),  # nested beyond what the parser takes
    (b"[1, 2]", INVALID_REQUEST),  # a batch: LSP has none
    (b'"hello"', INVALID_REQUEST),
    (b"null", INVALID_REQUEST),
    (b'{"id": 4, "method": "shutdown"}', INVALID_REQUEST),  # no "jsonrpc"
    (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}', INVALID_REQUEST),  # an id LSP has not
])
def test_bodies_that_are_not_json_rpc_get_the_error_json_rpc_names(server, body, code):
    server.write(frame(body))
    last = next_id()
    server.send(probe_request(last))
    replies = server.responses(timeout=20, until=last)
    assert [r["id"] for r in replies][-1:] == [last], replies  # and the server still answers
    (reply,) = replies[:-1]
    assert reply["error"]["code"] == code and reply["id"] in (None, 4), reply


def test_wrong_jsonrpc_version_is_an_invalid_request(server):
    server.send({"jsonrpc": "1.0", "id": 9, "method": "shutdown"})
    assert server.answer(9)["error"]["code"] == INVALID_REQUEST
    last = next_id()
    server.send(probe_request(last))
    assert answered(server, last)


def test_lifecycle_out_of_order():
    with RawServer() as s:
        hover = {"textDocument": {"uri": "file:///t.py"}, "position": {"line": 0, "character": 0}}
        s.send(request(1, "textDocument/hover", hover))
        assert s.answer(1)["error"]["code"] == NOT_INITIALIZED
        s.send(request(2, "shutdown"))
        assert s.answer(2)["error"]["code"] == NOT_INITIALIZED
        # a notification before initialize is dropped: this document is never opened
        s.send(notification("textDocument/didOpen", {"textDocument": {
            "uri": "file:///t.py", "languageId": "python", "version": 1, "text": "import keras\n"}}))
        s.send(INITIALIZE)
        assert "result" in s.answer(0)
        s.send(INITIALIZE | {"id": 3})
        assert s.answer(3)["error"]["code"] == INVALID_REQUEST
        s.send(INITIALIZED)
        s.send(request(4, "textDocument/hover", hover))
        assert s.answer(4)["result"] is None
        s.send(request(5, "shutdown"))
        assert s.answer(5)["result"] is None
        s.send(request(6, "textDocument/hover", hover))
        assert s.answer(6)["error"]["code"] == INVALID_REQUEST
        s.send(request(7, "shutdown"))
        assert s.answer(7)["error"]["code"] == INVALID_REQUEST
        s.send(notification("exit"))
        assert s.proc.wait(timeout=15) == 0


def test_exit_without_shutdown_exits_with_code_1():
    with RawServer() as s:
        s.send(INITIALIZE)
        assert answered(s, 0)
        s.send(notification("exit"))
        assert s.proc.wait(timeout=15) == 1
    with RawServer() as s:  # before initialize too
        s.send(notification("exit"))
        assert s.proc.wait(timeout=15) == 1


def test_input_ending_mid_message_ends_the_server():
    with RawServer() as s:
        s.send(INITIALIZE)
        assert answered(s, 0)
        s.write(b"Content-Length: 500\r\n\r\n{\"jsonrpc\"")
        assert s.close(timeout=15) is not None


def test_shutdown_while_handlers_are_pending():
    """A handler still waiting (here `initialized`, for a workspace/configuration answer this client never
    sends) is cancelled by `shutdown`, which must still succeed (and finished futures are dropped meanwhile)."""
    with RawServer() as s:
        s.send(request(0, "initialize", {"processId": None, "rootUri": None,
                                         "capabilities": {"workspace": {"configuration": True}}}))
        assert answered(s, 0)
        s.send(INITIALIZED)
        asked = None
        for _ in range(200):
            msg = s.messages.get(timeout=20)
            if msg and msg.get("method") == "workspace/configuration":
                asked = msg
                break
        assert asked is not None, "the server did not ask for its configuration"
        s.send(request(1, "shutdown"))
        reply = s.answer(1)
        assert reply is not None and "error" not in reply, reply
        s.send(notification("exit"))
        assert s.proc.wait(timeout=15) == 0
