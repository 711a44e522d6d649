"""Every call in a program, with the chunk it stands in; indexed once per parsed chunk.

Rules that look at arguments wherever a call is written (Keras 2 keywords, initialisers,
optimizers built outside `compile`) ask for the calls whose callee ends in a given name or that
pass a given keyword. The index (callee's last name, keywords, positional count) is built when a
chunk is first parsed and kept with it, so a re-check after an edit only filters tuples; qualified
names are resolved for the few calls that match.
"""

from __future__ import annotations

import inspect
import re
from typing import Iterable, NamedTuple

import libcst as cst

from learnability.analysis.chunks import PlacedChunk
from learnability.analysis.program import CallView, Program
from learnability.analysis.semantic import chunk_tree, flatten_tree


class CallEntry(NamedTuple):
    node: cst.Call
    last: str  # the callee's last name: Dense for layers.Dense(...), fit for model.fit(...); "" for other callees
    keywords: frozenset[str]
    positional: int


_SELF_ATTR = re.compile(r"self\.(\w+)")
_CHILD_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _child_fields(cls: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node class that can hold child nodes, in the order libcst visits them (its
    `_visit_and_replace_children` reads them in source order: a field list would put `IfExp.test`
    before `body`, a class's `body` before its `bases`). Whitespace and parentheses hold no calls."""
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        slots = [f for f in getattr(cls, "__slots__", ()) if not f.startswith("whitespace") and f not in ("lpar", "rpar")]
        order: list[str] = []
        try:
            for m in _SELF_ATTR.finditer(inspect.getsource(cls._visit_and_replace_children)):
                if m.group(1) in slots and m.group(1) not in order:
                    order.append(m.group(1))
        except (OSError, TypeError):
            pass
        names = _CHILD_FIELDS[cls] = tuple(order) + tuple(f for f in slots if f not in order)
    return names


def _collect_calls(root: cst.CSTNode) -> list[CallEntry]:
    """Every call under `root`, in source order. A plain walk over the nodes' fields: libcst's visitor
    rebuilds (and re-validates) every node it passes, which cost twice the parse on large files."""
    calls: list[CallEntry] = []
    stack: list[cst.CSTNode] = [root]
    node_type = cst.CSTNode
    while stack:
        node = stack.pop()
        if type(node) is cst.Call:
            func = node.func
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            keywords = frozenset(a.keyword.value for a in node.args if a.keyword is not None)
            positional = sum(1 for a in node.args if a.keyword is None and not a.star)
            calls.append(CallEntry(node, last, keywords, positional))
        kids: list[cst.CSTNode] = []
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, node_type):
                kids.append(value)
            elif type(value) in (tuple, list):
                kids.extend(v for v in value if isinstance(v, node_type))
        kids.reverse()
        stack.extend(kids)
    return calls


def chunk_calls(placed: PlacedChunk) -> list[CallEntry]:
    """The calls of one chunk, in source order (cached on the parsed chunk)."""
    chunk = placed.chunk
    calls = chunk.__dict__.get("_call_index")
    if calls is None:
        calls = _collect_calls(chunk.module) if chunk.module is not None else []
        chunk.__dict__["_call_index"] = calls
    return calls


def _owners(placed: PlacedChunk) -> dict[int, object]:
    """id(call node) -> the small statement it is written in (cached on the parsed chunk). Calls in the
    head of a compound statement (`for x in gen():`, `with tf.device(...)`) have none."""
    chunk = placed.chunk
    owners = chunk.__dict__.get("_call_owners")
    if owners is None:
        owners = {}
        for raw in flatten_tree(chunk_tree(placed)[0]):
            for entry in _collect_calls(raw.node):
                owners.setdefault(id(entry.node), raw)
        chunk.__dict__["_call_owners"] = owners
    return owners


def _placed_chunks(program: Program) -> list[tuple[PlacedChunk, int]]:
    """Each chunk with statements, and the index just past its last statement: names assigned earlier
    in the chunk or the module are visible to constant propagation from there."""
    cached = program.__dict__.get("_a2_chunks")
    if cached is None:
        ends: dict[int, tuple[PlacedChunk, int]] = {}
        for stmt in program.stmts:  # keep each chunk's last index
            ends[id(stmt.placed)] = (stmt.placed, stmt.index + 1)
        cached = list(ends.values())
        program.__dict__["_a2_chunks"] = cached
    return cached


def find_calls(program: Program, names: Iterable[str] = (), keywords: Iterable[str] = ()) -> list[CallView]:
    """Calls (anywhere: module level or inside functions) whose callee's last name is in `names`, or that
    pass one of `keywords`; in source order, each with its qualified name resolved. A call in a function
    analysed once per call gives one view per call (`index` is that analysis' statement, so its
    arguments are read with that call's parameters)."""
    names = frozenset(names)
    keywords = frozenset(keywords)
    cache: dict[tuple[frozenset[str], frozenset[str]], list[CallView]] = \
        program.__dict__.setdefault("_a2_find_cache", {})
    if (names, keywords) in cache:
        return cache[(names, keywords)]
    asked = (names, keywords)
    # from keras.layers import Dropout as Drop: the call is Drop(...)
    aliased = {local for local, qual in program.aliases.items() if qual.rsplit(".", 1)[-1] in names}
    names = names | aliased
    key = (names, keywords)
    views: list[CallView] = []
    instances = program.instances
    for placed, index in _placed_chunks(program):
        per_chunk = placed.chunk.__dict__.setdefault("_call_matches", {})
        matches = per_chunk.get(key)
        if matches is None:
            if len(per_chunk) > 32:  # alias sets change as imports are typed: keep the memo small
                per_chunk.clear()
            matches = per_chunk[key] = [e.node for e in chunk_calls(placed)
                                        if e.last in names or (keywords and not keywords.isdisjoint(e.keywords))]
        owners = _owners(placed) if matches else None
        for node in matches:
            qual = program.qualname(node.func)
            raw = owners.get(id(node)) if owners is not None else None
            placed_stmts = instances.get(id(raw)) if raw is not None else None
            if placed_stmts:
                for stmt in placed_stmts:
                    views.append(CallView(node, qual, stmt.index, placed))
            else:
                views.append(CallView(node, qual, index, placed))
    cache[asked] = views
    return views
