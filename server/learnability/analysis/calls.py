"""Every call in a program, with the chunk it stands in; collected once per parsed chunk.

Rules that look at arguments wherever a call is written (Keras 2 keywords, initialisers,
optimizers built outside `compile`) use this instead of walking the tree themselves.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from learnability.analysis.chunks import PlacedChunk
from learnability.analysis.program import CallView, Program


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)


def chunk_calls(placed: PlacedChunk) -> list[cst.Call]:
    """The calls of one chunk, in source order (cached on the parsed chunk)."""
    chunk = placed.chunk
    calls = getattr(chunk, "_calls", None)
    if calls is None:
        collector = _Collector()
        if chunk.module is not None:
            chunk.module.visit(collector)
        calls = collector.calls
        chunk._calls = calls  # type: ignore[attr-defined]
    return calls


def all_calls(program: Program) -> list[CallView]:
    """Views of every call in the program (a call inside a function or class included).

    `index` is just past the last statement of the call's chunk: names assigned earlier in
    the chunk or the module are visible to constant propagation."""
    cached = program.__dict__.get("_a2_calls")
    if cached is not None:
        return cached
    views: list[CallView] = []
    ends: dict[int, tuple[PlacedChunk, int]] = {}
    for stmt in program.stmts:  # a chunk's statements are contiguous: remember its last index
        ends[id(stmt.placed)] = (stmt.placed, stmt.index)
    for placed, last_index in ends.values():
        for call in chunk_calls(placed):
            views.append(CallView(call, program.qualname(call.func), last_index + 1, placed))
    program.__dict__["_a2_calls"] = views
    return views


def calls_named(program: Program, *prefixes: str) -> Iterator[CallView]:
    """Calls whose qualified name starts with one of `prefixes`."""
    for view in all_calls(program):
        if view.qualname and view.qualname.startswith(prefixes):
            yield view
