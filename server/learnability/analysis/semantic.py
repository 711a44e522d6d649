"""The semantic layer: statements in execution order, scopes, bindings, and what a name refers to.

In the spirit of ruff's `SemanticModel`: every use of a name sees the binding that reaches it in
program order, within its scope (a function call is its own scope, falling back to the module).

- **Statements.** Each top-level chunk is read once into a small tree (simple statements and the
  compound statements around them: `if`, `try`, `for`, `while`, `with`, `def`), cached with the parsed
  chunk. Each analysis walks the trees in order and lays the statements out in one list (`stmts`).
- **Branches.** The arms of an `if`/`elif`/`else` or of a `try`/`except` are alternatives: each statement
  carries its branch path (the arms it stands in), and a binding in one arm never reaches a use in
  another. After the branch, the bindings of every arm reach (`reaching`), and one made before the branch
  only when some arm may not rebind the name. `if __name__ == "__main__":` is not a branch.
- **Loops.** A loop over a literal list or tuple (`for lr in [1e-4, 1e-1]:`, or a name bound to one)
  is unrolled: one copy of the body per element, with the loop variable bound to it; the copies run in
  turn (a value made in one iteration reaches the next). Any other loop body is read once, as an arm
  that may not run.
- **Functions.** A function called as a statement (`model = build_model(lr=0.1)`, `train(model)`,
  `return build()`) is analysed once per call, in a scope of its own whose parameters are bound to that
  call's arguments (defaults where none is given); the call's value is what the function returns. A
  function never called that way is analysed once where it is defined, its parameters bound to their
  defaults (unknown otherwise).
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterable, Iterator, Sequence, TypeAlias, TypeVar, final, overload

import libcst as cst

from learnability.analysis.chunks import ChunkCache, PlacedChunk, parse_chunks
from learnability.analysis.names import dotted, module_name, normalize
from learnability.findings import AnalysisError

NOTHING: Any = object()  # "no static value"

KNOWN_LAYERS = frozenset(
    """Dense Conv1D Conv2D Conv3D Conv2DTranspose Conv1DTranspose Conv3DTranspose SeparableConv2D
    SeparableConv1D DepthwiseConv2D Convolution2D Convolution1D MaxPooling2D MaxPooling1D MaxPooling3D
    MaxPool2D MaxPool1D AveragePooling2D AveragePooling1D AvgPool2D GlobalAveragePooling2D
    GlobalMaxPooling2D GlobalAveragePooling1D GlobalMaxPooling1D GlobalAvgPool2D GlobalMaxPool2D
    Flatten Dropout SpatialDropout2D BatchNormalization LayerNormalization Activation ReLU LeakyReLU
    PReLU ELU Softmax Rescaling Normalization Reshape Input InputLayer Embedding LSTM GRU SimpleRNN
    Bidirectional Concatenate Add ZeroPadding2D UpSampling2D Lambda GaussianNoise RandomFlip
    RandomRotation RandomZoom Resizing CenterCrop Permute RepeatVector TimeDistributed""".split()
)
# bare names that resolve to Keras classes unless the program assigns them (see SemanticModel.qualname)
_SHADOWABLE = KNOWN_LAYERS | {"Sequential", "Model"}
_QUAL_MEMO_MAX = 200_000
MAX_UNROLL = 8  # elements of a literal loop that are unrolled
MAX_CALL_DEPTH = 4  # nested function calls analysed per call
MAX_INLINED = 20_000  # statements added by per-call analysis, in all (a guard against call blow-up)


# --------------------------------------------------------------------------- statement facts
@final  # (final: `type(item) is RawStmt` tells a statement tree's items apart, as mypy knows)
@dataclass
class RawStmt:
    """A small statement out of a chunk's statement tree; independent of its file."""

    kind: str  # import | assign | expr | return
    node: cst.CSTNode
    value: cst.BaseExpression | None = None
    targets: tuple[tuple[str, tuple[int, ...]], ...] = ()
    aug_op: str | None = None
    func: str | None = None  # the function it is written in (None: module level)
    imports: tuple[tuple[str, str], ...] = ()  # (local name, qualified name); "*" for star


@final
@dataclass
class Block:
    """A compound statement of a chunk's statement tree."""

    kind: str  # if | try | loop | with | def
    node: cst.CSTNode
    arms: list[list[Item]]  # the alternatives (one for a loop, `with` or `def`), each a list of items
    exhaustive: bool = False  # one arm always runs (if with else, try)
    after: list[Item] = field(default_factory=list)  # runs after every arm: finally, a loop's else
    target: cst.BaseExpression | None = None  # a for loop's target
    iter: cst.BaseExpression | None = None  # a for loop's iterable
    labels: tuple[str, ...] = ()  # each arm's name in messages: "if", "elif", "else", "try", "except"


Item: TypeAlias = "RawStmt | Block"  # an item of a statement tree


def _target_paths(node: cst.BaseExpression, path: tuple[int, ...] = ()) -> Iterator[tuple[str, tuple[int, ...]]]:
    if type(node) is cst.Name:
        yield node.value, path
    elif type(node) is cst.Tuple or type(node) is cst.List:
        for i, el in enumerate(node.elements):
            yield from _target_paths(el.value, path + (i,))


def _small_facts(stmt: cst.BaseSmallStatement, func: str | None) -> Iterator[RawStmt]:
    if type(stmt) is cst.Assign:
        targets = tuple(p for t in stmt.targets for p in _target_paths(t.target))
        yield RawStmt("assign", stmt, stmt.value, targets, func=func)
    elif type(stmt) is cst.AnnAssign and stmt.value is not None:
        yield RawStmt("assign", stmt, stmt.value, tuple(_target_paths(stmt.target)), func=func)
    elif type(stmt) is cst.AugAssign:
        op = type(stmt.operator).__name__.replace("Assign", "")
        yield RawStmt("assign", stmt, stmt.value, tuple(_target_paths(stmt.target)), aug_op=op, func=func)
    elif type(stmt) is cst.Expr:
        yield RawStmt("expr", stmt, stmt.value, func=func)
    elif type(stmt) is cst.Return and stmt.value is not None:
        yield RawStmt("return", stmt, stmt.value, func=func)
    elif type(stmt) is cst.Import:
        pairs = []
        for alias in stmt.names:
            full = module_name(alias.name)
            if alias.asname is not None and type(alias.asname.name) is cst.Name:
                pairs.append((alias.asname.name.value, full))
            else:
                top = full.split(".")[0]
                pairs.append((top, top))
        yield RawStmt("import", stmt, imports=tuple(pairs), func=func)
    elif type(stmt) is cst.ImportFrom and not stmt.relative:
        mod = module_name(stmt.module)
        if isinstance(stmt.names, cst.ImportStar):
            yield RawStmt("import", stmt, imports=(("*", mod),), func=func)
        else:
            pairs = []
            for alias in stmt.names:
                name = module_name(alias.name)
                local = alias.asname.name.value if alias.asname and type(alias.asname.name) is cst.Name else name
                pairs.append((local, f"{mod}.{name}"))
            yield RawStmt("import", stmt, imports=tuple(pairs), func=func)


def _body_statements(node: cst.CSTNode | None) -> list[cst.CSTNode]:
    body = getattr(node, "body", None)
    if type(body) is cst.IndentedBlock or type(body) is cst.SimpleStatementSuite:
        return list(body.body)
    return []


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """`if __name__ == "__main__":` (either order) and `if True:` always run."""
    if type(test) is cst.Name:
        return test.value == "True"
    if type(test) is cst.Comparison and len(test.comparisons) == 1 and \
            type(test.comparisons[0].operator) is cst.Equal:
        sides = (test.left, test.comparisons[0].comparator)
        names = [s.value for s in sides if type(s) is cst.Name]
        strings = [s.raw_value for s in sides if type(s) is cst.SimpleString]
        return names == ["__name__"] and strings == ["__main__"]
    return False


def statement_tree(statements: Sequence[cst.CSTNode], func: str | None = None) -> list[Item]:
    """The statements as a tree of `RawStmt` and `Block` items (cached per chunk by `chunk_tree`)."""
    items: list[Item] = []
    for stmt in statements:
        if type(stmt) is cst.SimpleStatementLine or type(stmt) is cst.SimpleStatementSuite:
            for small in stmt.body:
                items.extend(_small_facts(small, func))
        elif type(stmt) is cst.FunctionDef:
            items.append(Block("def", stmt, [statement_tree(_body_statements(stmt), stmt.name.value)]))
        elif type(stmt) is cst.ClassDef:
            continue  # subclassed models are out of scope
        elif type(stmt) is cst.If:
            if _is_main_guard(stmt.test) and stmt.orelse is None:
                items.append(Block("with", stmt, [statement_tree(_body_statements(stmt), func)]))
                continue
            arms = [statement_tree(_body_statements(stmt), func)]
            labels = ["if"]
            orelse = stmt.orelse
            exhaustive = False
            while orelse is not None:
                arms.append(statement_tree(_body_statements(orelse), func))
                if type(orelse) is cst.If:
                    labels.append("elif")
                    orelse = orelse.orelse
                else:
                    labels.append("else")
                    exhaustive = True
                    orelse = None
            items.append(Block("if", stmt, arms, exhaustive, labels=tuple(labels)))
        elif type(stmt) is cst.Try or type(stmt) is cst.TryStar:
            body = statement_tree(_body_statements(stmt), func)
            if stmt.orelse is not None:
                body = body + statement_tree(_body_statements(stmt.orelse), func)
            arms = [body] + [statement_tree(_body_statements(h), func) for h in stmt.handlers]
            after = statement_tree(_body_statements(stmt.finalbody), func) if stmt.finalbody is not None else []
            items.append(Block("try", stmt, arms, bool(stmt.handlers), after,
                               labels=("try",) + ("except",) * len(stmt.handlers)))
        elif type(stmt) is cst.For or type(stmt) is cst.While:
            after = statement_tree(_body_statements(stmt.orelse), func) if stmt.orelse is not None else []
            block = Block("loop", stmt, [statement_tree(_body_statements(stmt), func)], False, after)
            if type(stmt) is cst.For:
                block.target, block.iter = stmt.target, stmt.iter
            items.append(block)
        elif type(stmt) is cst.With:
            items.append(Block("with", stmt, [statement_tree(_body_statements(stmt), func)]))
        elif type(stmt) is cst.Match:
            arms = [statement_tree(_body_statements(case), func) for case in stmt.cases]
            items.append(Block("if", stmt, arms, False, labels=("case",) * len(arms)))
    return items


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORDS_KEY = "_words"


def statement_words(stmt: "Stmt") -> frozenset[str]:
    """Every identifier-like word of the chunk a placed statement was read from: a superset of the names the
    statement uses (its chunk's other statements, attributes, keywords and words inside strings too), read
    once per parsed chunk (the edit analysis asks about every statement: analysis/incremental.py)."""
    chunk = stmt.placed.chunk
    words = chunk.__dict__.get(_WORDS_KEY)
    if words is None:
        words = chunk.__dict__[_WORDS_KEY] = frozenset(_WORD.findall(chunk.text))
    return words


def _called_functions(items: list[Item], out: set[str]) -> None:
    """Names called as a statement's value (`f(...)`, `x = f(...)`, `return f(...)`) anywhere in the tree,
    and calls passed straight as an argument of such a call (`train(build())`)."""
    for item in items:
        if type(item) is RawStmt:
            value = item.value
            if type(value) is cst.Call:
                if type(value.func) is cst.Name:
                    out.add(value.func.value)
                for arg in value.args:
                    if type(arg.value) is cst.Call and type(arg.value.func) is cst.Name:
                        out.add(arg.value.func.value)
        else:
            for arm in item.arms:
                _called_functions(arm, out)
            _called_functions(item.after, out)


def chunk_tree(placed: PlacedChunk) -> tuple[list[Item], frozenset[str]]:
    """The chunk's statement tree and the function names it calls as statements (cached on the chunk)."""
    chunk = placed.chunk
    cached = chunk.__dict__.get("_tree")
    if cached is None:
        tree = statement_tree(chunk.module.body) if chunk.module is not None else []
        called: set[str] = set()
        _called_functions(tree, called)
        cached = chunk.__dict__["_tree"] = (tree, frozenset(called))
    return cached


def flatten_tree(items: list[Item]) -> Iterator[RawStmt]:
    """Every small statement of a statement tree in source order (arms one after another)."""
    for item in items:
        if type(item) is RawStmt:
            yield item
        else:
            for arm in item.arms:
                yield from flatten_tree(arm)
            yield from flatten_tree(item.after)


def flatten(statements: Sequence[cst.CSTNode], func: str | None = None) -> Iterator[RawStmt]:
    """Every small statement under `statements` (libcst statements) in source order."""
    yield from flatten_tree(statement_tree(statements, func))


# --------------------------------------------------------------------------- placed statements
Branch: TypeAlias = tuple[tuple[int, int], ...]  # ((branch point id, arm), ...), outermost first


@dataclass(eq=False)
class Frame:
    """One analysis of a function body (a call, or its definition), or the module (scope 0)."""

    scope: int
    parent: "Frame | None"
    name: str | None = None  # the function
    call: cst.Call | None = None  # the call analysed (None: the definition)
    call_placed: PlacedChunk | None = None
    depth: int = 0
    returns: list["Stmt"] = field(default_factory=list)
    lexical: "Frame | None" = None  # the frame the function was defined in (its free names resolve there)

    @property
    def label(self) -> str:
        """"build_model(lr=0.1) on line 20" (computed when a message needs it)."""
        if self.call is None or self.call_placed is None:
            return ""
        return f"{_code(self.call)} on line {self.call_placed.span(self.call).line}"


@dataclass(eq=False, slots=True)
class Stmt:
    index: int
    raw: RawStmt
    placed: PlacedChunk
    scope: int = 0  # where its targets bind
    branch: Branch = ()
    frame: Frame | None = None
    eval_scope: int = 0  # where the names of its value are looked up (a parameter: the caller's scope)
    returns: "Stmt | None" = None  # a call analysed per call: the `return` statement that gives its value

    @property
    def kind(self) -> str:
        return self.raw.kind


def exclusive(a: Branch, b: Branch) -> bool:
    """Whether two branch paths are alternatives (never on one run): they take different arms of a branch.
    The iterations of an unrolled loop (negative arms) all run, one after another: never alternatives."""
    for x, y in zip(a, b):
        if x != y:
            return x[0] == y[0] and x[1] >= 0 and y[1] >= 0
    return False


def dominates(binding: Branch, use: Branch) -> bool:
    """A binding whose path is a prefix of the use's path runs on every run that reaches the use."""
    return len(binding) <= len(use) and use[:len(binding)] == binding


_T = TypeVar("_T")
_R = TypeVar("_R")


class _once(Generic[_T, _R]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first access,
    ~3 us: a thousand views an analysis)."""

    def __init__(self, func: Callable[[_T], _R]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _once[_T, _R]: ...
    @overload
    def __get__(self, obj: _T, owner: type | None = None) -> _R: ...

    def __get__(self, obj: _T | None, owner: type | None = None) -> _R | _once[_T, _R]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


def string_value(node: cst.SimpleString) -> Any:
    """A string literal's value; plain literals without escapes are read directly (libcst's
    evaluated_value goes through ast.literal_eval, ~20 us each)."""
    raw = node.value
    if raw[:1] in ("'", '"') and "\\" not in raw:
        q = 3 if raw[:3] in ('"""', "'''") and len(raw) >= 6 else 1
        return raw[q:-q]
    return node.evaluated_value


def _is_literal(node: Any, depth: int = 0) -> bool:
    """A number, string, True/False/None, or tuples, lists and arithmetic of them: its value does not
    depend on the program (no names to look up, no calls)."""
    t = type(node)
    if t is cst.Integer or t is cst.Float or t is cst.SimpleString:
        return True
    if depth > 20:
        return False
    if t is cst.Name:
        return node.value in ("True", "False", "None")
    if t is cst.Tuple or t is cst.List:
        return all(type(el) is cst.Element and _is_literal(el.value, depth + 1) for el in node.elements)
    if t is cst.UnaryOperation:
        return _is_literal(node.expression, depth + 1)
    if t is cst.BinaryOperation:
        return _is_literal(node.left, depth + 1) and _is_literal(node.right, depth + 1)
    return False


_Entry = TypeVar("_Entry", bound="tuple[Stmt, object]")


def reach(at: list[int], entries: Sequence[_Entry], index: int, use_branch: Branch,
          bp_info: dict[int, tuple[Block, PlacedChunk, int, int]]) -> list[_Entry]:
    """Of `entries` (each a tuple whose first item is its statement; `at` their statement indices,
    ascending), those that reach a use at statement `index` on the path `use_branch`, nearest first. An
    entry in another arm of a branch the use stands in never reaches it; walking back, the first entry
    that runs on every path to the use ends the search, and so does a branch every arm of which has one."""
    pos = bisect.bisect_left(at, index)
    if not pos:
        return []
    entry = entries[pos - 1]
    b = entry[0].branch
    if not b or b is use_branch:  # the nearest runs on every path (the common case)
        return [entry]
    out: list[_Entry] = []
    covered: dict[int, set[int]] = {}  # branch point -> its arms that hold an entry
    stop_before = -1
    for i in range(pos - 1, -1, -1):
        entry = entries[i]
        stmt = entry[0]
        if stmt.index < stop_before:
            break
        b = stmt.branch
        if b is use_branch or dominates(b, use_branch):
            out.append(entry)
            break
        if exclusive(b, use_branch):
            continue
        out.append(entry)
        depth = 0  # the first branch point where the entry leaves the use's path
        while depth < len(use_branch) and depth < len(b) and b[depth] == use_branch[depth]:
            depth += 1
        if len(b) == depth + 1:
            bp, arm = b[depth]
            arms = covered.setdefault(bp, set())
            arms.add(arm)
            info = bp_info.get(bp)
            if info is not None and len(arms) == info[2]:
                stop_before = info[3]  # every arm has one: nothing before the branch reaches
    return out


def _through_returns(stmt: Stmt) -> Stmt:
    """A statement whose value is a call analysed per call stands for the `return` that gives its value."""
    for _ in range(MAX_CALL_DEPTH + 2):
        ret = stmt.returns
        if ret is None or stmt.raw.aug_op is not None or type(stmt.raw.value) is not cst.Call:
            break
        stmt = ret
    return stmt


def _code(node: cst.CSTNode, limit: int = 40) -> str:
    text = cst.Module(body=[]).code_for_node(node)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- the semantic model
_Item = TypeVar("_Item")


class Watched(list[_Item]):
    """A list of the program (its statements, its models) that notes a walk over all of it while a rule's
    per-model work is being recorded (`SemanticModel.recording`): such work reads more than its model and
    its names, so its result is not kept for the next analysis (see `analysis/incremental.py`)."""

    __slots__ = ("owner",)

    def __init__(self, items: Iterable[_Item] = (), owner: "SemanticModel | None" = None) -> None:
        super().__init__(items)
        self.owner = owner

    def __iter__(self) -> Iterator[_Item]:
        owner = self.owner
        if owner is not None and owner.recording:
            owner.read_all = True
        return list.__iter__(self)


class SemanticModel:
    """Statements in order, with scopes and branches; bindings and the lookups rules use."""

    # set while a rule's per-model work runs (analysis/incremental.py); `read_all` records that it read
    # the whole program (every statement, every model, the source text), not only its model and names
    recording = False
    read_all = False
    extra_reads: set[int] = set()  # statements the recorded work read beyond what its statements name

    def __init__(self, source: str, cache: ChunkCache | None = None, path: str = "<string>") -> None:
        self._source = source
        self.path = path
        self.cache = cache if cache is not None else ChunkCache()  # an empty cache is falsy (__len__)
        self.errors: list[AnalysisError] = []
        self.stmts: list[Stmt] = Watched(owner=self)
        self.aliases: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.assigned: frozenset[str] = frozenset()  # set after the layout (see below)
        self.functions: dict[str, tuple[Block, PlacedChunk, Frame]] = {}  # name -> its (last) definition
        self._frames: dict[int, Frame] = {}  # scope -> its frame
        # scope -> name -> indices of its bindings (ascending), and the bindings (statement, tuple path)
        self._bind_at: dict[int, dict[str, list[int]]] = {0: {}}
        self._binds: dict[int, dict[str, list[tuple[Stmt, tuple[int, ...]]]]] = {0: {}}
        self._bp_info: dict[int, tuple[Block, PlacedChunk, int, int]] = {}  # bp -> (block, chunk, arms, first index)
        self._elements: dict[tuple[int, int], cst.BaseExpression] = {}  # (bp, iteration) -> its loop element
        self._instances: dict[int, list[Stmt]] | None = None
        self.module_frame = Frame(0, None)
        self._next_scope = 1
        self._next_bp = 0
        self._inlined = 0
        self._called: set[str] = set()
        self._analysed: set[str] = set()
        self._qual_cache: dict[int, tuple[cst.CSTNode, str | None]] = {}
        self._const_memo: dict[tuple[int, int], tuple[cst.CSTNode, Any]] = {}
        self._reach_memo: dict[tuple[str, int], list[tuple[Stmt, tuple[int, ...]]]] | None = None  # set once the layout is done
        self._layout()
        self._reach_memo = {}
        # layer-like names the program binds (assignments, parameters, functions): they shadow Keras' classes
        self.assigned = frozenset(
            name for names in self._bind_at.values() for name in _SHADOWABLE.intersection(names)
        ) | _SHADOWABLE.intersection(self.functions)
        self._qual_cache = self._shared_qual_cache()

    @property
    def source(self) -> str:
        """The program's text (reading it is reading the whole program: see `Watched`)."""
        if self.recording:
            self.read_all = True
        return self._source

    def touch_all(self) -> None:
        """Note that what is being computed depends on the whole program (a memo of a scan over it)."""
        if self.recording:
            self.read_all = True

    # ----- laying statements out
    def _layout(self) -> None:
        chunks: list[tuple[PlacedChunk, list[Item]]] = []
        for placed in parse_chunks(self._source, self.cache):
            if placed.chunk.error is not None:
                line, col, msg = placed.chunk.error
                self.errors.append(AnalysisError(self.path, placed.line_offset + line, col, msg))
                continue
            tree, called = chunk_tree(placed)
            self._called |= called
            chunks.append((placed, tree))
        frame = self.module_frame
        for placed, tree in chunks:
            self._walk(tree, placed, frame, ())
        for name, (block, placed, lexical) in list(self.functions.items()):
            if name not in self._analysed:  # called only where it could not be followed: read it once
                self._enter(name, block, placed, frame, (), None, None, lexical)

    def _walk(self, items: list[Item], placed: PlacedChunk, frame: Frame, branch: Branch) -> None:
        # the common statement inline (most of a file): no call of a user function, an assignment or an
        # expression; the rest through _place / _block
        stmts = self.stmts
        scope = frame.scope
        functions = self.functions
        call_type, name_type = cst.Call, cst.Name
        bind_at = self._bind_at.get(scope)
        if bind_at is None:
            bind_at = self._bind_at[scope] = {}
            self._binds[scope] = {}
        binds = self._binds[scope]
        for item in items:
            if type(item) is not RawStmt:
                self._block(item, placed, frame, branch)
                continue
            kind = item.kind
            value = item.value
            if kind == "import" or kind == "return" or (type(value) is call_type and type(value.func) is name_type
                                                        and value.func.value in functions):
                self._place(item, placed, frame, branch)
                continue
            stmt = Stmt(len(stmts), item, placed, scope, branch, frame, scope)
            stmts.append(stmt)
            if kind == "assign":
                index = stmt.index
                for name, path in item.targets:
                    at = bind_at.get(name)
                    if at is None:
                        bind_at[name] = [index]
                        binds[name] = [(stmt, path)]
                    else:
                        at.append(index)
                        binds[name].append((stmt, path))

    def _new_bp(self, block: Block, placed: PlacedChunk, arms: int) -> int:
        bp = self._next_bp
        self._next_bp += 1
        self._bp_info[bp] = (block, placed, arms, len(self.stmts))
        return bp

    def _block(self, block: Block, placed: PlacedChunk, frame: Frame, branch: Branch) -> None:
        kind = block.kind
        if kind == "def":
            name = block.node.name.value  # type: ignore[attr-defined]  # a "def" block's node is its cst.FunctionDef
            self.functions[name] = (block, placed, frame)
            if name not in self._called:  # never called as a statement: analysed where it is defined
                self._enter(name, block, placed, frame, branch, None, None, frame)
            return
        if kind == "with" or (kind == "try" and not block.exhaustive):  # try/finally: the body always runs
            self._walk(block.arms[0], placed, frame, branch)
            self._walk(block.after, placed, frame, branch)
            return
        if kind == "loop":
            elements = self._literal_elements(block.iter, frame, branch) if block.iter is not None else None
            if elements:
                bp = self._new_bp(block, placed, len(elements))
                for k, el in enumerate(elements):  # iterations run in turn: arms -1, -2, ... (see `exclusive`)
                    self._elements[(bp, -k - 1)] = el
                    arm_branch = branch + ((bp, -k - 1),)
                    self._bind_target(block.target, el, placed, frame, arm_branch)
                    self._walk(block.arms[0], placed, frame, arm_branch)
            else:
                bp = self._new_bp(block, placed, 2)  # the body may not run: a second, empty arm
                arm_branch = branch + ((bp, 0),)
                if block.target is not None:
                    self._bind_target(block.target, None, placed, frame, arm_branch)
                self._walk(block.arms[0], placed, frame, arm_branch)
            self._walk(block.after, placed, frame, branch)
            return
        arms = len(block.arms) + (0 if block.exhaustive else 1)
        bp = self._new_bp(block, placed, arms)
        for k, arm in enumerate(block.arms):
            self._walk(arm, placed, frame, branch + ((bp, k),))
        self._walk(block.after, placed, frame, branch)

    def arm_label(self, bp: int, arm: int) -> str:
        """An arm in words: "the else branch of the if on line 12", "the iteration lr = 0.1 of the loop on
        line 5" (computed when a message needs it: positions cost a walk of the chunk)."""
        info = self._bp_info.get(bp)
        if info is None:
            return ""
        block, placed = info[0], info[1]
        line = placed.span(block.node).line
        if block.kind == "loop":
            el = self._elements.get((bp, arm))
            if el is not None:
                target = _code(block.target) if block.target is not None else "?"
                return f"the iteration {target} = {_code(el)} of the loop on line {line}"
            return f"the body of the loop on line {line}"
        head = "if" if block.kind == "if" else "try"
        label = block.labels[arm] if 0 <= arm < len(block.labels) else head
        if label == head:
            return f"the {head} branch on line {line}" if head == "try" else f"the branch of the if on line {line}"
        return f"the {label} branch of the {head} on line {line}"

    def _literal_elements(self, node: cst.BaseExpression | None, frame: Frame, branch: Branch) -> list[cst.BaseExpression] | None:
        """The elements of a literal list/tuple a loop runs over (directly, or through a name bound to one
        on every path to the loop)."""
        for _ in range(4):
            if type(node) is cst.Name:
                found = self.reaching(node.value, len(self.stmts), frame.scope, branch)
                if len(found) != 1 or found[0][1] or found[0][0].raw.aug_op is not None:
                    return None
                node = found[0][0].raw.value
                continue
            break
        if (type(node) is cst.List or type(node) is cst.Tuple) and 0 < len(node.elements) <= MAX_UNROLL and \
                all(type(el) is cst.Element and _is_literal(el.value) for el in node.elements):
            return [el.value for el in node.elements]
        return None

    def _bind_target(self, target: cst.BaseExpression | None, value: cst.BaseExpression | None,
                     placed: PlacedChunk, frame: Frame, branch: Branch) -> None:
        if target is None:
            return
        paths = tuple(_target_paths(target))
        raw = RawStmt("assign", target, value, paths, func=frame.name)
        self._append(raw, placed, frame, branch, frame.scope)

    def _bind_name(self, scope: int, name: str, value: cst.BaseExpression | None, placed: PlacedChunk,
                   frame: Frame, branch: Branch, node: cst.CSTNode | None = None, eval_scope: int | None = None) -> Stmt:
        raw = RawStmt("assign", node if node is not None else cst.Name(name), value, ((name, ()),), func=frame.name)
        return self._append(raw, placed, frame, branch, frame.scope if eval_scope is None else eval_scope)

    def _append(self, raw: RawStmt, placed: PlacedChunk, frame: Frame, branch: Branch, eval_scope: int) -> Stmt:
        stmt = Stmt(len(self.stmts), raw, placed, frame.scope, branch, frame, eval_scope)
        self.stmts.append(stmt)
        if raw.kind == "assign":
            scope = frame.scope
            bind_at = self._bind_at.get(scope)
            if bind_at is None:
                bind_at = self._bind_at[scope] = {}
                self._binds[scope] = {}
            binds = self._binds[scope]
            for name, path in raw.targets:
                at = bind_at.get(name)
                if at is None:
                    bind_at[name] = [stmt.index]
                    binds[name] = [(stmt, path)]
                else:
                    at.append(stmt.index)
                    binds[name].append((stmt, path))
        elif raw.kind == "import":
            for local, qual in raw.imports:
                if local == "*":
                    self.star_imports.append(normalize(qual))
                else:
                    self.aliases[local] = qual
        elif raw.kind == "return":
            frame.returns.append(stmt)
        return stmt

    def _place(self, raw: RawStmt, placed: PlacedChunk, frame: Frame, branch: Branch) -> Stmt:
        value = raw.value
        returned = None
        if type(value) is cst.Call and raw.kind != "import":
            returned = self._call(value, placed, frame, branch)
        stmt = self._append(raw, placed, frame, branch, frame.scope)
        stmt.returns = returned
        return stmt

    # ----- functions, once per call
    def _call(self, call: cst.Call, placed: PlacedChunk, frame: Frame, branch: Branch) -> Stmt | None:
        """Analyse a call of a user function in a scope of its own; the `return` that gives its value."""
        func = call.func
        if type(func) is not cst.Name:
            return None
        found = self.functions.get(func.value)
        if found is None or frame.depth >= MAX_CALL_DEPTH or self._inlined > MAX_INLINED:
            return None
        f: Frame | None = frame
        while f is not None:  # recursion: not followed
            if f.name == func.value:
                return None
            f = f.parent
        block, def_placed, lexical = found
        callee = self._enter(func.value, block, def_placed, frame, branch, call, placed, lexical)
        return callee.returns[-1] if callee.returns else None

    def _enter(self, name: str, block: Block, def_placed: PlacedChunk, caller: Frame, branch: Branch,
               call: cst.Call | None, call_placed: PlacedChunk | None, lexical: Frame | None = None) -> Frame:
        start = len(self.stmts)
        self._analysed.add(name)
        frame = Frame(self._next_scope, caller, name, call, call_placed, caller.depth + 1, lexical=lexical)
        self._frames[frame.scope] = frame
        self._next_scope += 1
        node: cst.FunctionDef = block.node  # type: ignore[assignment]  # a "def" block's node is its cst.FunctionDef
        params = node.params
        positional = list(params.posonly_params) + list(params.params)
        args = [a for a in call.args if a.keyword is None and not a.star] if call is not None else []
        kwargs = {a.keyword.value: a for a in call.args if a.keyword is not None} if call is not None else {}
        starred = call is not None and any(a.star for a in call.args)
        bound: set[str] = set()
        for i, p in enumerate(positional + list(params.kwonly_params)):
            pname = p.name.value
            bound.add(pname)
            arg = args[i] if i < len(positional) and i < len(args) else kwargs.get(pname)
            if arg is not None:
                value = arg.value
                if type(value) is cst.Call:  # train(build_model()): that call analysed first
                    returned = self._call(value, call_placed, caller, branch) if call_placed is not None else None
                else:
                    returned = None
                stmt = self._bind_name(frame.scope, pname, value, call_placed or def_placed, frame, branch,
                                       node=arg, eval_scope=caller.scope)
                stmt.returns = returned
            elif p.default is not None and not starred:
                self._bind_name(frame.scope, pname, p.default, def_placed, frame, branch, node=p, eval_scope=0)
            else:
                self._bind_name(frame.scope, pname, None, def_placed, frame, branch, node=p)
        for star in (params.star_arg, params.star_kwarg):
            if type(star) is cst.Param:
                self._bind_name(frame.scope, star.name.value, None, def_placed, frame, branch, node=star)
        self._walk(block.arms[0], def_placed, frame, branch)
        if call is not None:
            self._inlined += len(self.stmts) - start
        return frame

    # ----- lookups
    @property
    def instances(self) -> dict[int, list[Stmt]]:
        """id(small statement of a chunk) -> its placed statements (several for a function called twice or
        an unrolled loop's body)."""
        if self.recording:
            self.read_all = True
        if self._instances is None:
            out: dict[int, list[Stmt]] = {}
            for stmt in list.__iter__(self.stmts):
                key = id(stmt.raw)
                found = out.get(key)
                if found is None:
                    out[key] = [stmt]
                else:
                    found.append(stmt)
            self._instances = out
        return self._instances

    def reaching(self, name: str, index: int, scope: int | None = None,
                 branch: Branch | None = None) -> list[tuple[Stmt, tuple[int, ...]]]:
        """The bindings of `name` that reach a use at statement `index` (nearest first): those of the use's
        scope, else of the module. One when the nearest runs on every path to the use; several after a
        branch whose arms bind it (and the binding before the branch when some arm may keep it).
        Once the statements are laid out, the answers for a use's own scope and branch are memoised (rules
        ask about the same names at the same statements again and again); callers must not change them."""
        memo = self._reach_memo
        if memo is not None and scope is None and branch is None:
            key = (name, index)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self._reaching(name, index, None, None)
            if self.recording:
                self._note_lookup(name, index, found)
            return found
        return self._reaching(name, index, scope, branch)

    def _note_lookup(self, name: str, index: int, found: list[tuple[Stmt, tuple[int, ...]]]) -> None:
        """While a rule's per-model work is recorded: a name looked up at a statement that does not use it
        (a conventional name such as `num_classes`, or a lookup at the end of the program) makes the work
        depend on the bindings found, beyond the statements the edit analysis follows by name."""
        stmts = self.stmts
        if found and not (0 <= index < len(stmts) and name in statement_words(stmts[index])):
            extra = self.extra_reads
            for stmt, _path in found:
                extra.add(stmt.index)
                ret = stmt.returns
                while ret is not None:
                    extra.add(ret.index)
                    ret = ret.returns

    def _reaching(self, name: str, index: int, scope: int | None,
                  branch: Branch | None) -> list[tuple[Stmt, tuple[int, ...]]]:
        stmts = self.stmts
        if 0 <= index < len(stmts):
            s = stmts[index]
            use_scope, use_branch = s.eval_scope, s.branch
        else:
            use_scope, use_branch = 0, ()
        if scope is not None:
            use_scope = scope
        if branch is not None:
            use_branch = branch
        bp_info = self._bp_info
        while use_scope:  # the use's scope, the scopes it is nested in, then the module
            scope_at = self._bind_at.get(use_scope)
            at = scope_at.get(name) if scope_at is not None else None
            if at:
                found = reach(at, self._binds[use_scope][name], index, use_branch, bp_info)
                if found:
                    return found
            frame = self._frames.get(use_scope)
            outer = frame.lexical if frame is not None else None
            use_scope = outer.scope if outer is not None else 0
        at = self._bind_at[0].get(name)
        if not at:
            return []
        return reach(at, self._binds[0][name], index, use_branch, bp_info)

    def assignment(self, name: str, index: int, scope: int | None = None) -> tuple[Stmt, tuple[int, ...]] | None:
        """The nearest binding of `name` reaching statement `index`. For a call analysed per call, the
        `return` statement of that call (its value is the call's value)."""
        found = self.reaching(name, index, scope)
        if not found:
            return None
        stmt, path = found[0]
        if stmt.returns is not None:
            stmt = _through_returns(stmt)
        return stmt, path

    def value_of(self, name: str, index: int, path: tuple[int, ...] = (), scope: int | None = None
                 ) -> tuple[cst.BaseExpression | None, Stmt | None]:
        """The expression bound to `name` at statement `index` (tuple targets unpacked when the value is a
        literal tuple; through a function's `return` for a call analysed per call)."""
        entry = self.assignment(name, index, scope)
        if entry is None:
            return None, None
        stmt, tpath = entry
        if stmt.raw.aug_op is not None:
            return None, stmt
        value = stmt.raw.value
        for i in tpath:
            if (type(value) is cst.Tuple or type(value) is cst.List) and i < len(value.elements):
                value = value.elements[i].value
            else:
                return None, stmt
        return value, stmt

    def values_of(self, name: str, index: int) -> list[tuple[cst.BaseExpression | None, Stmt]]:
        """Every value of `name` that may reach statement `index` (one per reaching binding)."""
        out: list[tuple[cst.BaseExpression | None, Stmt]] = []
        for stmt, path in self.reaching(name, index):
            stmt = _through_returns(stmt)
            value = stmt.raw.value if stmt.raw.aug_op is None else None
            for i in path:
                value = value.elements[i].value if (type(value) is cst.Tuple or type(value) is cst.List) and \
                    i < len(value.elements) else None
            out.append((value, stmt))
        return out

    def resolve_call(self, node: cst.BaseExpression | None, index: int) -> tuple[cst.Call, Stmt] | None:
        """Follow names to the call that made the value."""
        for _ in range(20):
            if type(node) is cst.Name:
                node, stmt = self.value_of(node.value, index)
                if stmt is None:
                    return None
                index = stmt.index
                if type(node) is cst.Call:
                    return node, stmt
                continue
            return None
        return None

    def loop_variable(self, name: str, index: int) -> int:
        """How many literal elements the unrolled loop runs over when `name`, used at statement `index`, is
        that loop's own variable (`for lr in [1e-4, 1e-1]: ... Adam(lr)`); 0 otherwise."""
        if not 0 <= index < len(self.stmts):
            return 0
        for bp, arm in reversed(self.stmts[index].branch):
            if arm >= 0:
                continue
            info = self._bp_info.get(bp)
            if info is None:
                continue
            block = info[0]
            if block.kind == "loop" and type(block.target) is cst.Name and block.target.value == name:
                return info[2]
        return 0

    def enclosing_loops(self, index: int) -> list[Block]:
        """The `for`/`while` loops statement `index` stands in, outermost first (an unrolled loop once)."""
        if not 0 <= index < len(self.stmts):
            return []
        out: list[Block] = []
        for bp, _arm in self.stmts[index].branch:
            info = self._bp_info.get(bp)
            if info is not None and info[0].kind == "loop" and (not out or out[-1] is not info[0]):
                out.append(info[0])
        return out

    # ----- where a statement stands
    def context(self, index: int) -> str:
        """Where statement `index` runs, for messages: "" at module level outside branches; else the
        innermost function call and branch arm ("in build_model(lr=0.1) on line 20, on the else branch...")."""
        if not 0 <= index < len(self.stmts):
            return ""
        stmt = self.stmts[index]
        parts = []
        frame = stmt.frame
        if frame is not None and frame.label:
            parts.append(f"in {frame.label}")
        if stmt.branch:
            label = self.arm_label(*stmt.branch[-1])
            if label:
                parts.append(f"on {label}")
        return ", ".join(parts)

    def conditional(self, binding_index: int, use_index: int) -> str:
        """"" when statement `binding_index` runs on every path to statement `use_index`; otherwise the arm
        it stands in ("on the else branch of the if on line 12")."""
        if not (0 <= binding_index < len(self.stmts)) or not (0 <= use_index < len(self.stmts)):
            return ""
        b, u = self.stmts[binding_index].branch, self.stmts[use_index].branch
        if dominates(b, u):
            return ""
        depth = 0
        while depth < len(b) and depth < len(u) and b[depth] == u[depth]:
            depth += 1
        label = self.arm_label(*b[depth]) if depth < len(b) else None
        return f"on one branch ({label})" if label else "on one branch"

    # ----- names and values
    def _shared_qual_cache(self) -> dict[int, tuple[cst.CSTNode, str | None]]:
        """The qualified-name memo, kept by the chunk cache across analyses. A node's qualified name
        depends on the node (the same object while its chunk is cached) and on the imports, star
        imports and which layer-like names are assigned: the memo is dropped when those change."""
        env = (tuple(self.aliases.items()), tuple(self.star_imports), self.assigned)
        cache = self.cache
        if cache.qual_env != env or len(cache.qual_memo) > _QUAL_MEMO_MAX:
            cache.qual_env = env
            cache.qual_memo = {}
        return cache.qual_memo

    def qualname(self, node: cst.BaseExpression, stmt: Stmt | None = None) -> str | None:
        key = id(node)
        hit = self._qual_cache.get(key)
        if hit is not None and hit[0] is node:  # the memo holds the node: its id is not reused meanwhile
            return hit[1]
        name = dotted(node)
        result = None
        if name is not None:
            head, _, rest = name.partition(".")
            if head in self.aliases:
                full = self.aliases[head] + ("." + rest if rest else "")
                result = normalize(full)
            elif head in ("keras", "tf", "tensorflow", "np", "numpy", "layers"):
                base = {"tf": "tensorflow", "np": "numpy", "layers": "keras.layers"}.get(head, head)
                result = normalize(base + ("." + rest if rest else ""))
            elif not rest:
                for star in self.star_imports:
                    if head in KNOWN_LAYERS and star.startswith("keras"):
                        result = f"keras.layers.{head}"
                        break
                if result is None and head in KNOWN_LAYERS and head not in self.assigned:
                    result = f"keras.layers.{head}"  # a pasted snippet without its imports
                elif result is None and head in ("Sequential", "Model") and head not in self.assigned:
                    result = f"keras.{head}"
            if result is None:
                result = name
        self._qual_cache[key] = (node, result)
        return result

    def const(self, node: cst.BaseExpression | cst.Arg | None, index: int, depth: int = 0) -> Any:
        """Evaluate a literal expression with constant propagation along the bindings that reach it.
        Top-level answers are memoised per program (rules ask about the same arguments again and again)."""
        if depth:
            return self._const(node, index, depth)
        if type(node) is cst.Arg:
            node = node.value
        t = type(node)
        if t is cst.Integer or t is cst.Float or t is cst.SimpleString or node is None:
            return self._const(node, index, 0)
        if t is cst.Tuple or t is cst.List or t is cst.UnaryOperation or t is cst.BinaryOperation:
            # (3, 3), -1, 1e-3 * 2: a literal's value never changes; kept by the chunk cache across analyses
            literals = self.cache.literal_memo
            hit = literals.get(id(node))
            if hit is not None and hit[0] is node:
                return hit[1]
            if _is_literal(node):
                value = self._const(node, index, 0)
                if len(literals) > _QUAL_MEMO_MAX:
                    literals.clear()
                literals[id(node)] = (node, value)  # the memo holds the node: its id is not reused meanwhile
                return value
        key = (id(node), index)
        hit = self._const_memo.get(key)
        if hit is not None and hit[0] is node:  # the memo holds the node: its id is not reused meanwhile
            return hit[1]
        value = self._const(node, index, 0)
        self._const_memo[key] = (node, value)
        return value

    def _const(self, node: cst.BaseExpression | cst.Arg | None, index: int, depth: int) -> Any:
        # exact types: libcst's node classes are not subclassed (isinstance goes through ABCMeta)
        if type(node) is cst.Arg:
            node = node.value
        if node is None or depth > 20:
            return NOTHING
        # literals: parsed directly (libcst's evaluated_value goes through ast.literal_eval, ~20 us each)
        if type(node) is cst.Integer:
            try:
                return int(node.value, 0)
            except ValueError:
                return int(node.evaluated_value)
        if type(node) is cst.Float:
            try:
                return float(node.value)
            except ValueError:
                return float(node.evaluated_value)
        if type(node) is cst.SimpleString:
            return string_value(node)
        if type(node) is cst.Name:
            if node.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.value]
            value, vstmt = self.value_of(node.value, index)
            if value is None or vstmt is None:
                return NOTHING
            return self._const(value, vstmt.index, depth + 1)
        if type(node) is cst.UnaryOperation:
            v = self._const(node.expression, index, depth + 1)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if type(node.operator) is cst.Minus:
                    return -v
                if type(node.operator) is cst.Plus:
                    return v
            if type(node.operator) is cst.Not and v is not NOTHING:
                return not v
            return NOTHING
        if type(node) is cst.BinaryOperation:
            a = self._const(node.left, index, depth + 1)
            b = self._const(node.right, index, depth + 1)
            if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
                return NOTHING
            op = type(node.operator).__name__
            try:
                ops: dict[str, Callable[[], float]] = {
                    "Add": lambda: a + b, "Subtract": lambda: a - b, "Multiply": lambda: a * b,
                    "Divide": lambda: a / b, "FloorDivide": lambda: a // b, "Power": lambda: a ** b,
                    "Modulo": lambda: a % b,
                }
                return ops[op]()
            except (KeyError, ZeroDivisionError, OverflowError):
                return NOTHING
        if type(node) is cst.Tuple or type(node) is cst.List:
            items = []
            for el in node.elements:
                if type(el) is cst.StarredElement:
                    return NOTHING
                v = self._const(el.value, index, depth + 1)
                if v is NOTHING:
                    return NOTHING
                items.append(v)
            return tuple(items)
        if type(node) is cst.Subscript:  # rates = (0.5, 0.8); Dropout(rates[1]); cfg = [[1, 2], [3]]; cfg[0][-1]
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return NOTHING
            seq = self._const(node.value, index, depth + 1)
            i = self._const(node.slice[0].slice.value, index, depth + 1)
            if isinstance(seq, tuple) and isinstance(i, int) and not isinstance(i, bool) and -len(seq) <= i < len(seq):
                return seq[i]
            return NOTHING
        if type(node) is cst.Call:
            q = self.qualname(node.func)
            if q in ("math.pow", "pow") and len(node.args) == 2:
                a, b = (self._const(x.value, index, depth + 1) for x in node.args)
                if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                    return math.pow(a, b)
            if q in ("int", "float") and len(node.args) == 1:
                v = self._const(node.args[0].value, index, depth + 1)
                if isinstance(v, (int, float)):
                    return int(v) if q == "int" else float(v)
        return NOTHING
