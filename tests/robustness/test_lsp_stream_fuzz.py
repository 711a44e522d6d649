"""Fuzzing the language server's message stream: generated and mutated JSON-RPC input against the real
server process (`learnability serve`), byte by byte.

Each input is one to four messages built from what editors send (didOpen/didChange/didClose of small
Keras scripts and notebooks, hover, code actions, lenses, commands, configuration, cancellations,
responses, random method names), then mutated at three levels: the JSON (keys dropped, values of the
wrong type, odd ids, params not an object, deep nesting), the bytes (truncated, flipped, invalid UTF-8)
and the framing (Content-Length too short, too long, zero, negative, huge, not a number, missing;
LF-only headers, extra headers, no blank line), or plain garbage. Every server also gets input before
`initialize` and ends with one lifecycle order: shutdown then more input then exit (code 0), exit
without shutdown (code 1), or the end of its input.

Checked: the server never dies or hangs (a valid request every SYNC_EVERY inputs is answered), every
frame it writes is well-formed JSON-RPC, requests before `initialize` get -32002 and after `shutdown`
-32600, and each lifecycle ends with the exit code the specification names. The run is seeded
(SEED), so a failure names the server and input that broke it and reproduces.

A too-long Content-Length swallows what follows it (no framing can tell); the declared length of a
mutated frame is at most MAX_OVERRUN bytes above its body, and FILLER (blank lines, which a reader
between messages ignores) follows each input, so the next input always starts on a frame boundary.
"""

from __future__ import annotations

import json
import random
import string

from lsp_stream import INITIALIZE, INITIALIZED, RawServer, frame, notification, request

SEED = 20261201
SERVERS = 4
INPUTS_PER_SERVER = 520  # 4 x (20 before initialize + 520) + 2 x 12 after shutdown = 2,184 inputs
PRE_INIT = 20
POST_SHUTDOWN = 12
SYNC_EVERY = 40
MAX_OVERRUN = 200
FILLER = b"\r\n" * ((MAX_OVERRUN // 2) + 8)

URIS = ["file:///fuzz/a.py", "file:///fuzz/b.py", "untitled:Untitled-1", "file:///fuzz/%C3%A9t%C3%A9.py",
        "file:///fuzz/nb.ipynb", "vscode-notebook-cell:/fuzz/nb.ipynb#W0sZmlsZQ%3D%3D", "not a uri", ""]
SNIPPETS = [
    "import keras\nfrom keras import layers\nmodel = keras.Sequential([layers.Dense(1, activation='sigmoid')])\n"
    "model.compile(optimizer=keras.optimizers.SGD(learning_rate=5.0), loss='mse')\nmodel.fit(X, y, epochs=1)\n",
    "from tensorflow import keras\nm = keras.Sequential()\nm.add(keras.layers.Dense(10, activation='softmax'))\n"
    "m.compile(loss='binary_crossentropy', optimizer='adam')\n",
    "def f(:\n    pass\n",
    "x = [" * 40 + "]" * 40 + "\n",
    "\ufeffprint('é')\r\nimport numpy as np\rX = np.zeros((10, 2))\n",
    "%%bash\nls\n",
    "",
]
METHODS = ["textDocument/hover", "textDocument/codeAction", "textDocument/codeLens", "textDocument/completion",
           "textDocument/definition", "workspace/executeCommand", "workspace/symbol", "$/setTrace",
           "$/cancelRequest", "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose",
           "textDocument/didSave", "notebookDocument/didOpen", "notebookDocument/didChange",
           "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles", "initialize", "initialized",
           "learnability/nothing", "x" * 300, "\u00e9\u4e2d/\U0001f600", "", "rpc.internal"]
# never generated: exit and shutdown (the lifecycle tails send them), and learnability.runProbe
# (the probe trains a model; the servers here have no runner anyway, see LEARNABILITY_PROBE_RUNNER)


class Fuzz:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = 0
        self.methods = METHODS

    # ------------------------------------------------------------------ well-formed messages
    def text(self) -> str:
        r = self.rng
        t = r.choice(SNIPPETS)
        for _ in range(r.randrange(3)):
            pos = r.randrange(len(t) + 1)
            t = t[:pos] + "".join(r.choice(string.printable + "é中\u2028\x00") for _ in range(r.randrange(1, 8))) + t[pos:]
        return t

    def position(self) -> dict:
        r = self.rng
        big = [0, 1, 2, 5, 10_000, -1, 2**31]
        return {"line": r.choice(big), "character": r.choice(big)}

    def range(self) -> dict:
        return {"start": self.position(), "end": self.position()}

    def doc(self) -> dict:
        return {"uri": self.rng.choice(URIS)}

    def params(self, method: str) -> object:
        r = self.rng
        if method == "textDocument/didOpen":
            return {"textDocument": {**self.doc(), "languageId": "python", "version": r.randrange(-2, 50),
                                     "text": self.text()}}
        if method == "textDocument/didChange":
            change = ({"text": self.text()} if r.random() < 0.4 else {"range": self.range(), "text": self.text()[:20]})
            return {"textDocument": {**self.doc(), "version": r.randrange(-2, 1000)}, "contentChanges": [change]}
        if method in ("textDocument/didClose", "textDocument/didSave", "textDocument/codeLens"):
            return {"textDocument": self.doc()}
        if method == "textDocument/hover":
            return {"textDocument": self.doc(), "position": self.position()}
        if method == "textDocument/codeAction":
            return {"textDocument": self.doc(), "range": self.range(),
                    "context": {"diagnostics": [], "only": r.choice([None, ["quickfix"], ["source.fixAll"]])}}
        if method == "workspace/executeCommand":
            return {"command": r.choice(["learnability.explain", "learnability.nothing", ""]),
                    "arguments": r.choice([[], ["LRN101"], ["lrn999"], [None], [{"a": 1}], ["x" * 500]])}
        if method == "$/cancelRequest":
            return {"id": r.choice([0, 1, "sync-1", self.ids, -5, "nope"])}
        if method == "workspace/didChangeConfiguration":
            return {"settings": r.choice([None, {}, {"learnability": {"logLevel": "debug"}}, [1, 2],
                                          {"learnability": {"probe": {"timeoutSeconds": "x"}}}])}
        if method == "notebookDocument/didOpen":
            return {"notebookDocument": {"uri": "file:///fuzz/nb.ipynb", "notebookType": "jupyter-notebook",
                                         "version": 1, "cells": [{"kind": 2, "document": URIS[5]}]},
                    "cellTextDocuments": [{"uri": URIS[5], "languageId": "python", "version": 1, "text": self.text()}]}
        if method == "initialize":
            return {"processId": None, "rootUri": None, "capabilities": {}}
        return r.choice([None, {}, {"textDocument": self.doc()}, [1, 2, 3]])

    def message(self) -> dict:
        r = self.rng
        self.ids += 1
        if r.random() < 0.06:  # a response to a request the server never sent
            return {"jsonrpc": "2.0", "id": r.choice([self.ids, "x", None]), "result": r.choice([None, 1, {}])}
        method = r.choice(self.methods)
        params = self.params(method)
        if r.random() < 0.5 and not method.startswith(("textDocument/did", "notebookDocument/did", "$/")):
            return request(self.ids, method, params)
        return notification(method, params)

    # ------------------------------------------------------------------ mutations
    def odd_value(self) -> object:
        r = self.rng
        return r.choice([None, True, -1, 2**70, 1.5e308, float("nan"), "", "\x00", "é" * 50, [], {}, [[[[]]]],
                         {"uri": 5}, list(range(50)), "x" * 2000])

    def mutate_json(self, msg: dict) -> object:
        r = self.rng
        kind = r.randrange(9)
        msg = json.loads(json.dumps(msg))
        if kind == 0 and msg:
            msg.pop(r.choice(list(msg)))
        elif kind == 1:
            msg[r.choice(list(msg) or ["id"])] = self.odd_value()
        elif kind == 2:
            msg["id"] = r.choice([1.5, True, {"a": 1}, [1], None, "é" * 3, 2**64])
        elif kind == 3:
            msg["jsonrpc"] = r.choice(["1.0", 2, None, "2.0 "])
        elif kind == 4:
            msg["params"] = r.choice([[msg.get("params")], "params", 7, None])
        elif kind == 5 and isinstance(msg.get("params"), dict):  # a nested value of the wrong type
            node = msg["params"]
            while isinstance(node, dict) and node and r.random() < 0.7:
                key = r.choice(list(node))
                if not isinstance(node[key], dict):
                    node[key] = self.odd_value()
                    break
                node = node[key]
        elif kind == 6:
            msg["extra"] = self.odd_value()
        elif kind == 7:
            return r.choice([[msg], [], "string", 42, None, [msg, msg]])
        else:
            deep: object = 1
            for _ in range(r.choice([50, 400])):  # deeper than json.dumps goes: see deep_body
                deep = {"a": deep}
            msg["params"] = deep
        return msg

    def deep_body(self) -> bytes:
        """A request nested deeper than Python's JSON parser follows (RecursionError there)."""
        depth = self.rng.choice([2000, 20_000])
        return (b'{"jsonrpc": "2.0", "id": %d, "method": "textDocument/hover", "params": ' % self.ids
                + b'{"a": [' * depth + b"1" + b"]}" * depth + b"}")

    def encode(self, msg: object) -> bytes:
        return json.dumps(msg, ensure_ascii=self.rng.random() < 0.5).encode("utf-8")

    def mutate_bytes(self, body: bytes) -> bytes:
        r = self.rng
        b = bytearray(body)
        kind = r.randrange(5)
        if kind == 0 and b:
            del b[r.randrange(len(b)):]
        elif kind == 1:
            for _ in range(r.randrange(1, 6)):
                if b:
                    b[r.randrange(len(b))] = r.randrange(256)
        elif kind == 2:
            pos = r.randrange(len(b) + 1)
            b[pos:pos] = bytes(r.randrange(256) for _ in range(r.randrange(1, 20)))
        elif kind == 3 and b:
            i, j = sorted(r.randrange(len(b)) for _ in range(2))
            b[j:j] = b[i:j]
        else:
            b += b"\xc3\x28\xed\xa0\x80"  # invalid UTF-8 sequences
        return bytes(b)

    def frame(self, body: bytes) -> bytes:
        r = self.rng
        kind = r.randrange(12)
        n = len(body)
        if kind == 0:
            return frame(body, length=max(1, n - r.randrange(1, n + 1)))  # too short
        if kind == 1:
            return frame(body, length=n + r.randrange(1, MAX_OVERRUN + 1))  # too long
        if kind == 2:
            return b"Content-Length: 0\r\n\r\n" + body
        if kind == 3:
            return b"Content-Length: -%d\r\n\r\n" % n + body
        if kind == 4:
            return b"Content-Length: %d\r\n\r\n" % r.choice([10**12, 2**64 + 1, 10**40, 70 * 2**20]) + body
        if kind == 5:
            return b"Content-Length: %s\r\n\r\n" % r.choice([b"abc", b"1e3", b"", b" ", b"0x10", b"\xff"]) + body
        if kind == 6:
            return b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + body  # no length
        if kind == 7:
            return b"Content-Length: %d\n\n" % n + body  # LF only
        if kind == 8:
            return b"content-length: %d\r\nContent-Type: x\r\nX-Other: 1\r\n\r\n" % n + body
        if kind == 9:
            return b"Content-Length: %d\r\n" % n + body  # no blank line
        if kind == 10:
            return b"Content-Length: %d\r\n\r\nContent-Length: %d\r\n\r\n" % (n, n) + body
        return frame(body)

    def garbage(self) -> bytes:
        r = self.rng
        pieces = [bytes(r.randrange(256) for _ in range(r.randrange(1, 300))), b"\r\n", b"Content-Length:",
                  b"Content-Length: 5\r\n", b"{\"jsonrpc\": \"2.0\"", b"\n\n", b"\x00" * 50]
        return b"".join(r.choice(pieces) for _ in range(r.randrange(1, 12)))

    # ------------------------------------------------------------------ one input
    def input(self) -> bytes:
        r = self.rng
        if r.random() < 0.07:
            return self.garbage()
        out = b""
        for _ in range(r.choice([1, 1, 1, 2, 4])):
            msg: object = self.message()
            if r.random() < 0.45:
                msg = self.mutate_json(msg)  # type: ignore[arg-type]
            body = self.encode(msg) if r.random() > 0.01 else self.deep_body()
            if r.random() < 0.15:
                body = self.mutate_bytes(body)
            out += self.frame(body) if r.random() < 0.3 else frame(body)
        return out


def _sync(server: RawServer, tag: str, where: str) -> dict:
    reply = server.answer(tag, timeout=60)
    assert reply is not None, (f"no answer after {where} (seed {SEED}); server "
                               f"{'exited ' + str(server.proc.returncode) if server.proc.poll() is not None else 'hangs'}"
                               f"\n{server.stderr[-3000:].decode('utf-8', 'replace')}")
    assert ("result" in reply) != ("error" in reply), reply
    return reply


def test_lsp_message_stream_fuzz():
    rng = random.Random(SEED)
    fuzz = Fuzz(rng)
    inputs = 0
    sync_n = 0

    def sync(server: RawServer, where: str, method: str = "workspace/executeCommand") -> dict:
        nonlocal sync_n
        sync_n += 1
        tag = f"sync-{sync_n}"
        server.send(request(tag, method, {"command": "learnability.noSuchCommand"}))
        return _sync(server, tag, where)

    for n in range(SERVERS):
        with RawServer(env={"LEARNABILITY_PROBE_RUNNER": "learnability_fuzz_no_runner:run"}) as server:
            fuzz.methods = [m for m in METHODS if m != "initialize"]
            for i in range(PRE_INIT):
                server.write(fuzz.input() + FILLER)
                inputs += 1
            fuzz.methods = METHODS
            reply = sync(server, f"server {n}, before initialize")
            assert reply["error"]["code"] == -32002, reply
            server.send(INITIALIZE)
            assert _sync(server, 0, f"server {n}, initialize").get("result"), "initialize failed"
            server.send(INITIALIZED)
            for i in range(INPUTS_PER_SERVER):
                server.write(fuzz.input() + FILLER)
                inputs += 1
                if i % SYNC_EVERY == SYNC_EVERY - 1:
                    sync(server, f"server {n}, input {i}")
            sync(server, f"server {n}, last input")
            ending = n % 3
            if ending == 0:  # shutdown, more input (all refused), exit: code 0
                server.send(request("bye", "shutdown"))
                _sync(server, "bye", f"server {n}, shutdown")
                for i in range(POST_SHUTDOWN):
                    server.write(fuzz.input() + FILLER)
                    inputs += 1
                reply = sync(server, f"server {n}, after shutdown")
                assert reply["error"]["code"] == -32600, reply
                server.send(notification("exit"))
                assert server.proc.wait(timeout=20) == 0
            elif ending == 1:  # exit without shutdown: code 1
                server.send(notification("exit"))
                assert server.proc.wait(timeout=20) == 1
            else:  # the client goes away
                assert server.close(timeout=20) == 0
    assert inputs >= 2000, inputs
