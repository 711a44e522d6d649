"""Re-checking an edited file: which statements an edit can affect, and the work kept across analyses.

An edit changes one chunk (a top-level statement); the program model is laid out again, and compared with
the previous analysis of the same file (`affected`). When the two layouts have the same shape (the same
statements in the same scopes, branches and calls, the same imports), statement `i` of one is statement
`i` of the other, and the edit is a set of *dirty* statements: those read from another parsed chunk (or
the same chunk at another line), or standing in a changed branch or call. From them, the *affected*
statements, in one pass in order: a statement that may use a name a dirty or affected statement binds (or
changes in place), in a scope where that binding is visible, is affected, and so is a call whose analysed
body returns an affected value. "May use" is read off the words of the statement's chunk, a superset of
its names. Everything else means what it meant before, node for node.

What is kept from the previous analysis for statements the edit does not affect:

- the Keras layer's facts read off one statement (`Program._kept`: a compile's optimizer and loss, a fit's
  arguments, what an element of a model's layers is, a functional model's chain of layers);
- a rule's work on one model (`Incremental.run`, through `Context.each_model`): it reads the model's own
  statements (`ModelInfo.footprint`) and what their names lead to; it is reused when the model has the same
  footprint and none of it is affected;
- a rule's work on one statement or one call (`Incremental.statements`, `Incremental.calls`).

Work that reads the whole program (every statement, every model, `calls_by_method`, `instances`, the source
text: `SemanticModel.recording`) is never kept; a name looked up at a statement that does not use it (a
conventional name such as `num_classes`) adds the bindings found to what the work depends on.
tests/test_incremental.py checks that a re-check gives exactly what a cold check of the same text gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, NamedTuple, Sequence, TypeVar, cast

from learnability.analysis.semantic import SemanticModel, Stmt, statement_words

if TYPE_CHECKING:  # the Keras layer (program.py) uses this module at run time, not the other way round
    import libcst as cst

    from learnability.analysis.program import CallView, ModelInfo

T = TypeVar("T")
_A = TypeVar("_A")
UnitKey = tuple[int, int, int]  # `ModelInfo.unit_key`: where the model is made, its variant, its compile


class ModelWork(NamedTuple):
    """A rule's work on one model (`Incremental.run`)."""

    reads: frozenset[int]  # statements the work read beyond its model's footprint
    results: Sequence[object]  # the work's results (a list of the rule's items)


class StatementWork(NamedTuple):
    """A rule's work on every statement (`Incremental.statements`)."""

    found: Mapping[int, tuple[Stmt, Sequence[object]]]  # statement index -> (statement, its items), items not empty
    volatile: frozenset[int]  # statements whose work read more than their own names: computed again next time


# a rule's work on each call (`Incremental.calls`): (id(call node), statement index) -> (the node, its items)
CallWork = Mapping[tuple[int, int], tuple["cst.Call", Sequence[object]]]


def _mutated_names(stmt: Stmt) -> tuple[str, ...]:
    from learnability.analysis.data import _stmt_mutations  # the data layer's own reading of in-place changes

    return _stmt_mutations(stmt.raw)


def _frame_key(stmt: Stmt) -> tuple[tuple[int, str | None, int], ...]:
    """The shape of the chain of calls a statement is analysed in (scopes and function names)."""
    out: list[tuple[int, str | None, int]] = []
    f = stmt.frame
    while f is not None:
        out.append((f.scope, f.name, f.lexical.scope if f.lexical is not None else -1))
        f = f.parent
    return tuple(out)


def _same_frames(a: Stmt, b: Stmt) -> bool:
    """Whether the calls the two statements are analysed in are the same call nodes at the same lines."""
    fa, fb = a.frame, b.frame
    while fa is not None and fb is not None:
        if fa.call is not fb.call:
            return False
        pa, pb = fa.call_placed, fb.call_placed
        if pa is None or pb is None:
            if pa is not pb:
                return False
        elif pa.chunk is not pb.chunk or pa.line_offset != pb.line_offset:
            return False
        fa, fb = fa.parent, fb.parent
    return fa is None and fb is None


def affected(old: SemanticModel, new: SemanticModel) -> set[int] | None:
    """The statements of `new` whose meaning may differ from the same statement of `old`; None when the two
    layouts differ in shape (then nothing of the old analysis can be reused). Reads the semantic layer only:
    `Program` asks it before building its Keras layer (which reuses what it can of `old`'s)."""
    if old.aliases != new.aliases or old.star_imports != new.star_imports or old.assigned != new.assigned:
        return None
    if set(old.functions) != set(new.functions):
        return None
    so, sn = list(list.__iter__(old.stmts)), list(list.__iter__(new.stmts))
    if len(so) != len(sn):
        return None
    bo, bn = old._bp_info, new._bp_info
    if len(bo) != len(bn):
        return None
    dirty_bp: set[int] = set()
    for bp, (block, placed, arms, first) in bn.items():
        other = bo.get(bp)
        if other is None or other[2] != arms or other[3] != first:
            return None
        if other[0] is not block or other[1].chunk is not placed.chunk or other[1].line_offset != placed.line_offset:
            dirty_bp.add(bp)
    frames_ok: dict[int, bool] = {}
    dirty: set[int] = set()
    for i, (a, b) in enumerate(zip(so, sn)):
        ra, rb = a.raw, b.raw
        if ra is not rb:
            if ra.kind != rb.kind or ra.targets != rb.targets or ra.aug_op != rb.aug_op or ra.func != rb.func \
                    or ra.imports != rb.imports:
                return None
            if ra.node is not rb.node or ra.value is not rb.value:
                dirty.add(i)
        if a.scope != b.scope or a.eval_scope != b.eval_scope or a.branch != b.branch:
            return None
        ar, br = a.returns, b.returns
        if ar is None or br is None:
            if ar is not br:
                return None
        elif ar.index != br.index:
            return None
        scope = b.frame.scope if b.frame is not None else -1
        ok = frames_ok.get(scope)
        if ok is None:
            if _frame_key(a) != _frame_key(b):
                return None
            ok = frames_ok[scope] = _same_frames(a, b)
        if not ok or a.placed.chunk is not b.placed.chunk or a.placed.line_offset != b.placed.line_offset:
            dirty.add(i)
        elif dirty_bp and any(bp in dirty_bp for bp, _arm in b.branch):
            dirty.add(i)
    if not dirty:
        return dirty
    return _spread(old, new, so, sn, dirty)


def _chain(program: SemanticModel, scope: int) -> set[int]:
    """A scope and the scopes its names fall back to (where its function was defined, ..., the module)."""
    out = {0}
    seen = 0
    while scope and seen < 64:
        out.add(scope)
        frame = program._frames.get(scope)
        outer = frame.lexical if frame is not None else None
        scope = outer.scope if outer is not None else 0
        seen += 1
    return out


def _spread(old: SemanticModel, new: SemanticModel, so: list[Stmt], sn: list[Stmt], dirty: set[int]) -> set[int]:
    """Dirty statements and every statement whose value may depend on one (see the module docstring). One
    pass in order: a name used at a statement is looked up among the bindings before it (`reach`), a call's
    value is its analysed body's `return`, laid out before the call, and an in-place change that a use
    sees stands before the use too."""
    out: set[int] = set()
    bound: dict[str, set[int | None]] = {}  # name -> scopes where an affected statement binds it (None: in place)
    chains: dict[int, set[int]] = {}

    def chain(scope: int) -> set[int]:
        found = chains.get(scope)
        if found is None:
            found = chains[scope] = _chain(new, scope)
        return found

    for stmt in sn:
        i = stmt.index
        hit = i in dirty
        if not hit and bound:
            words = statement_words(stmt)
            if not words.isdisjoint(bound):
                for name in words.intersection(bound):
                    scopes = bound[name]
                    if None in scopes or not scopes.isdisjoint(chain(stmt.eval_scope)) or \
                            not scopes.isdisjoint(chain(stmt.scope)):
                        hit = True
                        break
        if not hit:
            ret = stmt.returns
            hit = ret is not None and ret.index in out
        if not hit:
            continue
        out.add(i)
        for name, _path in stmt.raw.targets:
            bound.setdefault(name, set()).add(stmt.scope)
        for version in (so[i], stmt) if i in dirty else (stmt,):
            for name in _mutated_names(version):
                bound.setdefault(name, set()).add(None)
    return out


class Incremental:
    """Per-model rule work of one analysis, reusing what the previous analysis of the file computed where
    the model's statements are not affected by the edit (`affected`).

    Each cache holds every rule's results (of the rule's own item type); an entry is read back only under
    the rule id that stored it, by the same rule's work, hence the `cast` to that work's item type."""

    def __init__(self, program: SemanticModel, affected: set[int] | None, previous: "Incremental | None") -> None:
        self.program = program
        self.affected = affected
        kept = previous if affected is not None else None
        # (rule, unit key) -> the rule's work on that model
        self.previous: dict[tuple[str, UnitKey], ModelWork] = kept.entries if kept is not None else {}
        self.entries: dict[tuple[str, UnitKey], ModelWork] = {}
        # rule -> its work on every statement, and on every call
        self._previous_statements: dict[str, StatementWork] = kept.statement_entries if kept is not None else {}
        self.statement_entries: dict[str, StatementWork] = {}
        self._previous_calls: dict[str, CallWork] = kept.call_entries if kept is not None else {}
        self.call_entries: dict[str, CallWork] = {}
        self._old_footprints: dict[UnitKey, frozenset[int]] = kept.footprints if kept is not None else {}
        self.footprints: dict[UnitKey, frozenset[int]] = {}  # unit key -> the model's footprint
        self._units: dict[int, tuple[ModelInfo, UnitKey, bool]] = {}  # id(unit) -> (unit, its key, reusable)
        self._twice: set[UnitKey] = set()  # unit keys of two units: never kept nor reused
        self._asked: set[tuple[str, str]] = set()
        self.reused = 0  # units whose results were reused (tests read it)
        self.computed = 0

    def _unit(self, unit: ModelInfo) -> tuple[UnitKey, bool]:
        """The unit's key, and whether its model is the one of the previous analysis, untouched by the edit
        (the same footprint, none of it affected). Once per unit and analysis: every rule asks."""
        hit = self._units.get(id(unit))
        if hit is not None and hit[0] is unit:
            return hit[1], hit[2]
        key = unit.unit_key
        footprint = frozenset(unit.footprint)
        if key in self.footprints:  # another unit with this key: neither is kept nor reused
            self._twice.add(key)
        self.footprints[key] = footprint
        old = self._old_footprints.get(key)
        ok = old is not None and old == footprint and key not in self._twice and \
            self.affected is not None and self.affected.isdisjoint(footprint)
        self._units[id(unit)] = (unit, key, ok)
        return key, ok

    def run(self, rule_id: str, unit: ModelInfo, fn: Callable[[ModelInfo], Iterable[T]]) -> list[T]:
        """`list(fn(unit))`, or the list computed for the same model by the previous analysis when none of
        its statements is affected. `unit` is a ModelInfo (a model or a view of one under one compile)."""
        ukey, ok = self._unit(unit)
        key = (rule_id, ukey)
        twice = ukey in self._twice
        affected = self.affected
        if ok and not twice and affected is not None:  # (ok: `affected` is known)
            old = self.previous.get(key)
            if old is not None and (not old.reads or affected.isdisjoint(old.reads)):
                self.entries[key] = old
                self.reused += 1
                return cast("list[T]", old.results)  # stored by this rule's `fn` (see the class docstring)
        results, keep, reads = self._record(fn, unit)
        self.computed += 1
        if twice:
            self.entries.pop(key, None)
        elif keep:
            self.entries[key] = ModelWork(frozenset(reads), results)
        return results

    def _record(self, fn: Callable[[_A], Iterable[T]], arg: _A) -> tuple[list[T], bool, set[int]]:
        """fn(arg) as a list, whether it read only its statements and names, and the statements it read beyond."""
        program = self.program
        program.recording, program.read_all, program.extra_reads = True, False, set()
        try:
            results = list(fn(arg))
            return results, not program.read_all, program.extra_reads
        finally:
            program.recording, program.read_all, program.extra_reads = False, False, set()

    def statements(self, rule_id: str, work: Callable[[Stmt], Iterable[T]]) -> list[tuple[Stmt, list[T]]]:
        """(statement, `list(work(statement))`) for every laid-out statement whose work gives something, in order.
        `work` must depend only on its statement and the names it uses; the previous analysis' results are
        reused for every statement the edit does not affect."""
        asked = (rule_id, "statements")
        old = self._previous_statements.get(rule_id) if asked not in self._asked else None
        self._asked.add(asked)
        affected = self.affected
        stmts = list(list.__iter__(self.program.stmts))
        found: dict[int, tuple[Stmt, list[T]]] = {}
        volatile: set[int] = set()
        todo: Iterable[int]
        if old is not None and affected is not None:
            # stored by this rule's `work` (see the class docstring)
            old_found = cast("Mapping[int, tuple[Stmt, list[T]]]", old.found)
            todo = sorted(affected | old.volatile)
            for i, entry in old_found.items():
                if i not in affected and i not in old.volatile:
                    found[i] = entry
            self.reused += len(stmts) - len(todo)
        else:
            todo = range(len(stmts))
        for i in todo:
            stmt = stmts[i]
            results, keep, reads = self._record(work, stmt)
            self.computed += 1
            if not keep or reads - {i}:
                volatile.add(i)
            if results:
                found[i] = (stmt, results)
        self.statement_entries[rule_id] = StatementWork(found, frozenset(volatile))
        return [found[i] for i in sorted(found)]

    def calls(self, rule_id: str, views: Iterable[CallView], work: Callable[[CallView], Iterable[T]]) -> Iterator[T]:
        """`work(view)` for each call view (`analysis/calls.find_calls`), in order; the previous analysis' results
        are reused for a call node at a statement the edit does not affect. `work` must depend only on its view
        and the names its statement uses."""
        asked = (rule_id, "calls")
        old = self._previous_calls.get(rule_id) if asked not in self._asked else None
        self._asked.add(asked)
        affected = self.affected
        # stored by this rule's `work` (see the class docstring)
        old_found = cast("Mapping[tuple[int, int], tuple[cst.Call, list[T]]]", old) \
            if old is not None and affected is not None else {}
        found: dict[tuple[int, int], tuple[cst.Call, list[T]]] = {}
        for view in views:
            at = (id(view.node), view.index)
            hit = old_found.get(at)
            if hit is not None and hit[0] is view.node and affected is not None and view.index not in affected:
                results = hit[1]
                self.reused += 1
            else:
                results, keep, reads = self._record(work, view)
                self.computed += 1
                if keep and not reads - {view.index}:
                    found[at] = (view.node, results)  # the entry holds the node: its id is not reused meanwhile
                yield from results
                continue
            found[at] = hit
            yield from results
        self.call_entries[rule_id] = found
