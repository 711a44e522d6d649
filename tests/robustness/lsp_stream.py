"""A raw byte-level client for the language server: write any bytes to its stdin, read the framed
messages it writes back. pytest-lsp cannot send a wrong Content-Length or half a message; this can."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def frame(body: bytes | str | dict | list, length: int | None = None, extra: bytes = b"") -> bytes:
    """One message: headers + body (`length` overrides the true Content-Length)."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    n = len(body) if length is None else length
    return b"Content-Length: %d\r\n" % n + extra + b"\r\n" + body


def request(msg_id: Any, method: str, params: Any = None) -> dict:
    msg = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if params is not None:
        msg["params"] = params
    return msg


def notification(method: str, params: Any = None) -> dict:
    msg = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    return msg


INITIALIZE = request(0, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
INITIALIZED = notification("initialized", {})


class RawServer:
    """`python -m learnability serve` over pipes; responses collected by a reader thread."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        full = dict(os.environ)
        full.update(env or {})
        full["PYTHONPATH"] = str(ROOT / "server") + os.pathsep + full.get("PYTHONPATH", "")
        self.proc = subprocess.Popen([sys.executable, "-m", "learnability", "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full, cwd=str(ROOT))
        self.messages: queue.Queue = queue.Queue()
        self.stderr = b""
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def _read_err(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for chunk in iter(lambda: err.read1(65536), b""):
            with self._lock:
                self.stderr = (self.stderr + chunk)[-200_000:]

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg: Any) -> None:
        self.write(frame(msg))

    def responses(self, timeout: float = 20.0, until: Any = None) -> list[dict]:
        """Messages with an "id" and no "method" (answers to our requests) until one with id `until`."""
        out: list[dict] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if msg is None:
                break
            if "id" in msg and "method" not in msg:
                out.append(msg)
                if until is not None and msg.get("id") == until:
                    return out
        return out

    def answer(self, msg_id: Any, timeout: float = 20.0) -> dict | None:
        """The response to request `msg_id` (others are dropped)."""
        for msg in self.responses(timeout, until=msg_id):
            if msg.get("id") == msg_id:
                return msg
        return None

    def close(self, timeout: float = 10.0) -> int | None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.proc.poll() is None:
            self.close()
