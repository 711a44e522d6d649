"""Memory that grew without bound: pygls 2.1.1 keeps a finished future for every notification, and the
analysis worker's chunk cache kept a parse tree for every distinct edit up to 20,000 chunks."""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from learnability.analysis.chunks import ChunkCache
from learnability.engine import Analyzer
from learnability.lsp.main import create_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_check import generate  # noqa: E402


class Sink:
    """A transport that drops what the server writes."""

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


def _notify(server: LanguageServer, method: str, params: dict, count: int) -> None:
    proto = server.protocol
    for _ in range(count):
        proto.handle_message(proto.structure_message({"jsonrpc": "2.0", "method": method, "params": params}))


WATCHED = ("workspace/didChangeWatchedFiles", {"changes": [{"uri": "file:///w/setup.cfg", "type": 2}]})


async def test_notifications_leave_no_futures_behind():
    server = create_server()
    server.protocol.set_writer(Sink())
    server.protocol.initialize_seen = True  # as after `initialize` (which would start the analysis worker)
    try:
        _notify(server, *WATCHED, count=1000)
        await asyncio.sleep(0.2)
        assert len(server.protocol._request_futures) == 0
    finally:
        server.worker.close()
        server.big_worker.close()


async def test_upstream_pygls_keeps_them():
    """The upstream behaviour the subclass works around (see NOTES.md); if this fails, pygls fixed it and
    `LearnabilityProtocol._execute_handler` can go."""
    server = LanguageServer("repro", "0")

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: LanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        return None

    server.protocol.set_writer(Sink())
    _notify(server, *WATCHED, count=1000)
    await asyncio.sleep(0.2)
    assert len(server.protocol._request_futures) == 1000


def _edits(source: str, count: int):
    lines = source.splitlines(True)
    for i in range(count):
        k = len(lines) // 2 + (i % 50)
        edited = list(lines)
        edited[k] = edited[k].rstrip("\n") + f"  # edit {i}\n"
        yield "".join(edited)


def test_chunk_cache_is_bounded_by_bytes():
    cap = 1_500_000
    source = generate(400)
    analyzer = Analyzer()
    analyzer.cache = ChunkCache(max_bytes=cap)
    analyzer.analyze(source, "x.py")
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        for text in _edits(source, 150):  # every edit a distinct chunk: a new parse tree each time
            analyzer.analyze(text, "x.py")
            assert analyzer.cache.nbytes <= cap
        gc.collect()
        grown, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the estimate holds: what the cache keeps beyond the first analysis stays below the cap
    # (unbounded, these 150 edits add about 3 MB: measured 19 KB an edit)
    assert (grown - base) < cap, (grown - base)
    # and the document's own chunks are still cached: one more edit parses one chunk
    parses = analyzer.cache.parses
    analyzer.analyze(next(_edits(source.replace("\n", "\n", 1), 1)), "x.py")
    assert analyzer.cache.parses - parses <= 2
