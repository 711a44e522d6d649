"""Split a module into top-level statement chunks and parse each once.

Every keystroke changes one chunk; the others come from the cache, so re-analysis
costs a parse of a few lines. A syntax error stays inside its chunk: the other
chunks keep their findings.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, TypeAlias

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from learnability.findings import Span
from learnability.lines import scan_line

_CONTINUATION_KEYWORDS = re.compile(r"(else|elif|except|finally)\b")
# (line, depth, open quote) -> scan_line's result
ScanMemo: TypeAlias = dict[tuple[str, int, str | None], tuple[int, str | None, bool]]
_SCAN_MEMO_MAX = 200_000


def physical_lines(source: str) -> list[str]:
    """The lines of a text whose line ends are all "\\n" (the engine turns "\\r\\n" and "\\r" into "\\n"
    first: `learnability.lines`), ends kept. (`str.splitlines` also splits at form feeds, \\x1c-\\x1e,
    \\x85 and \\u2028, which Python does not: it would shift every later line.)"""
    lines = source.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def split_chunks(source: str, memo: ScanMemo | None = None) -> list[tuple[int, str]]:
    """Return (first line, 0-based; text) for each top-level statement group.

    `memo` (kept by a ChunkCache) remembers each line's scan: after an edit every line
    but the edited one is a dictionary lookup.
    """
    if memo is None:
        memo = {}
    elif len(memo) > _SCAN_MEMO_MAX:
        memo.clear()
    lines = physical_lines(source)
    chunks: list[tuple[int, str]] = []
    start = 0
    depth = 0
    quote: str | None = None
    cont = False
    only_decorators = False
    for i, line in enumerate(lines):
        first = line[:1]
        code = line
        if first == "\f":  # CPython: a form feed starts the indentation again ("\fx = 1" is in column 0)
            code = line.lstrip("\f")
            first = code[:1] or "\f"
        boundary = (
            i > start
            and quote is None
            and not cont
            and first not in ("", " ", "\t", "#", "\n", "\r", ")", "]", "}", "\f")
            and not _CONTINUATION_KEYWORDS.match(code)
            and not only_decorators
        )
        if boundary:
            chunks.append((start, "".join(lines[start:i])))
            start = i
            depth = 0
        if i == start:
            only_decorators = first == "@"
        elif first not in ("", " ", "\t", "#", "\n", "\r", "@", ")", "]", "}", "\f"):
            only_decorators = False
        if "'" not in line and '"' not in line and "\\" not in line:
            cont = False  # no string delimiter, no backslash: nothing to scan for (depth is not used)
            continue
        key = (line, depth, quote)
        scanned = memo.get(key)
        if scanned is None:
            scanned = memo[key] = scan_line(line, depth, quote)
        depth, quote, cont = scanned
    if start < len(lines):
        chunks.append((start, "".join(lines[start:])))
    return chunks


@dataclass
class Chunk:
    """One parsed chunk, independent of where it stands in the file (cache-friendly)."""

    text: str
    module: cst.Module | None
    error: tuple[int, int, str] | None  # (line 1-based within chunk, column 0-based, message)
    _positions: Mapping[cst.CSTNode, CodeRange] | None = field(default=None, repr=False)
    # line (1-based) -> columns to add to what libcst reports on that line, when libcst parsed a text
    # whose indentation differs from `text` (tabs expanded, see _parse_with_expanded_tabs)
    shifts: dict[int, int] | None = field(default=None, repr=False)

    def span(self, node: cst.CSTNode) -> Span:
        if self._positions is None:
            assert self.module is not None
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        rng = self._positions[node]
        if self.shifts:
            return Span(rng.start.line, rng.start.column + self.shifts.get(rng.start.line, 0),
                        rng.end.line, rng.end.column + self.shifts.get(rng.end.line, 0))
        return Span(rng.start.line, rng.start.column, rng.end.line, rng.end.column)

    def code(self, node: cst.CSTNode) -> str:
        assert self.module is not None
        return self.module.code_for_node(node)


MAX_CHUNK_CHARS = 100_000  # one statement this large is data (an embedded array), not a model
SKIPPED_PREFIX = "not analysed:"


# libcst's native parser is recursive: an expression nested a few thousand levels deep (a.b.c...,
# ((((...)))), chained calls) overflows its stack and kills the process, and long operator chains
# take superlinear time (1,000 `+ 1` terms: 0.7 s; 4,000: 46 s). A chunk this long is measured with
# CPython's parser first (which has its own limits and never crashes); a shorter one cannot nest
# deep enough to hurt.
DEPTH_CHECK_CHARS = 1000
MAX_DEPTH = 200


def _ast_parse(text: str) -> ast.Module:
    """`ast.parse` without its SyntaxWarnings (invalid escapes...) reaching the user's terminal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def _python_syntax_error(text: str) -> tuple[int, int, str] | None:
    """CPython's own diagnosis of `text` (parsed only, never compiled or run): clearer messages
    ("'(' was never closed") and exact positions. None when CPython accepts the text."""
    try:
        _ast_parse(text)
    except SyntaxError as exc:
        return _syntax_error_tuple(exc)
    except (ValueError, MemoryError, RecursionError) as exc:  # NUL bytes, absurd nesting
        return 1, 0, _odd_error(exc)
    return None


def _compiles(text: str) -> bool:
    """Whether CPython compiles `text` to bytecode (never run; the code object is dropped). For a huge
    data statement this is ~1.4x faster than `ast.parse`, which builds a Python object for every
    node. What compiles also parses; what does not (a syntax error, or `return` outside a function,
    which `ast.parse` accepts) goes to `_python_syntax_error` for the verdict and the message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<chunk>", "exec", dont_inherit=True)
    except Exception:  # SyntaxError, ValueError, MemoryError, RecursionError...
        return False
    return True


def _syntax_error_tuple(exc: SyntaxError) -> tuple[int, int, str]:
    return exc.lineno or 1, max((exc.offset or 1) - 1, 0), f"syntax error: {exc.msg}"


def _odd_error(exc: BaseException) -> str:
    if isinstance(exc, (MemoryError, RecursionError)):
        return "syntax error: too deeply nested for Python's parser"
    return f"syntax error: {exc}"


def _depth(tree: ast.AST) -> int:
    """The depth of an AST, without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        if d > deepest:
            deepest = d
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _precheck(text: str) -> tuple[int, int, str] | None:
    """For long chunks: an error or a skip notice when libcst must not see the text."""
    if len(text) > MAX_CHUNK_CHARS:
        # libcst needs about 12 s a megabyte of literal data; CPython's parser 15x less. Check the
        # syntax, then leave the statement out of the model.
        error = None if _compiles(text) else _python_syntax_error(text)
        if error is None:
            lines = text.count("\n") + 1
            error = (1, 0, f"{SKIPPED_PREFIX} a statement of {len(text) // 1000} kB on {lines} lines "
                           f"(above {MAX_CHUNK_CHARS // 1000} kB: data, not model code)")
        return error
    try:
        tree = _ast_parse(text)
    except SyntaxError as exc:
        return _syntax_error_tuple(exc)
    except (ValueError, MemoryError, RecursionError) as exc:
        return 1, 0, _odd_error(exc)
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        return 1, 0, f"{SKIPPED_PREFIX} an expression nested {depth} levels deep (above {MAX_DEPTH})"
    return None


def _parse(text: str) -> Chunk:
    nul = text.find("\0")
    if nul >= 0:  # CPython refuses the whole file; libcst accepts it and the model would trip on it
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1)
        return Chunk(text, None, (line, column, "syntax error: source code cannot contain null bytes"))
    if len(text) > DEPTH_CHECK_CHARS:
        error = _precheck(text)
        if error is not None:
            return Chunk(text, None, error)
    try:
        module = cst.parse_module(text)
        if "\f" in text and module.code != text:
            return _parse_without_leading_form_feeds(text)
        return Chunk(text, module, None)
    except cst.ParserSyntaxError as exc:
        error = _python_syntax_error(text)
        if error is None:  # libcst rejects what CPython accepts
            return _parse_with_expanded_tabs(text, exc)
        return Chunk(text, None, error)
    except Exception as exc:  # libcst can raise other errors on very odd input (RecursionError...)
        return Chunk(text, None, _python_syntax_error(text) or (1, 0, f"cannot parse: {exc!r}"))


_LEADING_WHITESPACE = re.compile(r"^[ \t\f]*", re.MULTILINE)


def _parse_with_expanded_tabs(text: str, exc: cst.ParserSyntaxError) -> Chunk:
    """Python accepts `text`, libcst does not. The known case is indentation that mixes spaces and tabs
    (" \t" then "        "): CPython's tokenizer moves a tab to the next multiple of 8 columns, libcst
    compares the strings and finds "no matching outer block for dedent". Parse the text with each
    line's indentation expanded as CPython reads it, and shift the columns of those lines back so that
    spans (and fixes) land in `text`. Anything else libcst refuses: the chunk is left out of the model
    with a notice, never reported as a syntax error, since Python accepts it."""
    if "\t" in text:
        shifts: dict[int, int] = {}

        def expand(m: re.Match[str]) -> str:
            indent: str = m.group()
            if "\t" not in indent:
                return indent
            wide = indent.expandtabs(8)
            shifts[text.count("\n", 0, m.start()) + 1] = len(indent) - len(wide)
            return wide

        try:
            module = cst.parse_module(_LEADING_WHITESPACE.sub(expand, text))
        except Exception:
            module = None
        if module is not None:
            chunk = Chunk(text, module, None)
            chunk.shifts = shifts
            return chunk
    reason = str(exc.message).strip() or "invalid syntax"
    return Chunk(text, None, (exc.raw_line, exc.raw_column, f"{SKIPPED_PREFIX} libcst cannot parse code Python accepts ({reason})"))


_LEADING_FORM_FEEDS = re.compile(r"^\f+", re.MULTILINE)


def _parse_without_leading_form_feeds(text: str) -> Chunk:
    """libcst (1.x) drops the form feeds that begin a statement's line: its code and its columns lose
    them, so a fix on that line would land one character early per form feed. CPython reads a form
    feed at a line's start as "the indentation starts again here", so without them the code means the
    same; libcst parses it that way and the columns of those lines are shifted back."""
    shifts: dict[int, int] = {}
    for m in _LEADING_FORM_FEEDS.finditer(text):
        shifts[text.count("\n", 0, m.start()) + 1] = len(m.group())
    chunk = Chunk(text, cst.parse_module(_LEADING_FORM_FEEDS.sub("", text)), None)
    chunk.shifts = shifts
    return chunk


# The cache is bounded by an estimate of its memory, not only by its number of chunks: every distinct
# edit of a statement adds a parse tree (a 50-line model definition edited 1,000 times = 1,000 trees).
# A parsed chunk, positions resolved, takes about 65 bytes a character of source (tracemalloc, a
# 2,000-line generated Keras script: 4.55 MB for 69,696 characters).
CACHE_MAX_BYTES = 128 * 1024 * 1024
BYTES_PER_CHAR = 64
CHUNK_OVERHEAD = 1024


def chunk_cost(chunk: Chunk) -> int:
    """Estimated memory of a cached chunk (text only when nothing was parsed)."""
    return CHUNK_OVERHEAD + len(chunk.text) * (BYTES_PER_CHAR if chunk.module is not None else 1)


class ChunkCache:
    """An LRU cache text -> parsed chunk, shared by all documents of one analyzer, bounded by `size`
    chunks and by `max_bytes` of estimated memory (`chunk_cost`)."""

    def __init__(self, size: int = 20000, max_bytes: int = CACHE_MAX_BYTES) -> None:
        self._cache: OrderedDict[str, Chunk] = OrderedDict()
        self._size = size
        self._max_bytes = max_bytes
        self.nbytes = 0  # estimated memory of the cached chunks
        self._evicted = 0  # estimated bytes evicted since the node memos were last cleared
        self.scan_memo: ScanMemo = {}
        # qualified names of nodes of cached chunks, valid for one import environment (Program)
        self.qual_env: object = None
        self.qual_memo: dict[int, tuple[cst.CSTNode, str | None]] = {}
        # values of literal expressions of cached chunks ((3, 3), -1e-3): they never change
        self.literal_memo: dict[int, tuple[cst.CSTNode, Any]] = {}  # id -> (node, SemanticModel.const's value)
        self.parses = 0  # chunks parsed so far (cache misses): how tests see what an edit costs

    def __len__(self) -> int:
        return len(self._cache)

    def get(self, text: str) -> Chunk:
        chunk = self._cache.get(text)
        if chunk is None:
            chunk = _parse(text)
            self.parses += 1
            self._cache[text] = chunk
            self.nbytes += chunk_cost(chunk)
            self._evict()
        else:
            self._cache.move_to_end(text)
        return chunk

    def _evict(self) -> None:
        while len(self._cache) > 1 and (len(self._cache) > self._size or self.nbytes > self._max_bytes):
            _, old = self._cache.popitem(last=False)
            cost = chunk_cost(old)
            self.nbytes -= cost
            self._evicted += cost
        if self._evicted > self._max_bytes // 8:
            # the node memos hold nodes of evicted chunks, which keeps their trees alive: start afresh
            self.qual_env, self.qual_memo, self.literal_memo = None, {}, {}
            self._evicted = 0


@dataclass
class PlacedChunk:
    chunk: Chunk
    line_offset: int  # 0-based line where the chunk starts in the file

    def span(self, node: cst.CSTNode) -> Span:
        return self.chunk.span(node).shifted(self.line_offset)

    def code(self, node: cst.CSTNode) -> str:
        return self.chunk.code(node)


def _balancing_end(pieces: list[tuple[int, str]], i: int, memo: ScanMemo) -> int | None:
    """When piece `i` leaves a bracket open, the piece after which the brackets balance again (strings,
    comments and line continuations taken into account), within MAX_CHUNK_CHARS; else None.

    The splitter cuts at every line that starts in column 0, as a statement does; a bracketed
    expression whose continuation lines start in column 0 is valid Python all the same. Brackets that
    never balance (a half-typed line) are not merged: the statements after it keep their findings."""
    depth, quote, cont = 0, None, False
    size = 0
    for j in range(i, len(pieces)):
        text = pieces[j][1]
        size += len(text)
        if size > MAX_CHUNK_CHARS:
            return None
        for line in physical_lines(text):
            key = (line, depth, quote)
            scanned = memo.get(key)
            if scanned is None:
                scanned = memo[key] = scan_line(line, depth, quote)
            depth, quote, cont = scanned
        if j == i and depth == 0:
            return None  # not an open bracket: some other error
        if depth == 0 and quote is None and not cont:
            return j if j > i else None
    return None


def parse_chunks(source: str, cache: ChunkCache) -> Iterator[PlacedChunk]:
    """Parse the source chunk by chunk; a chunk that fails is retried merged with the next ones:
    up to where its open brackets close, else with each of the next three (the splitter's
    heuristics cut before every line that starts in column 0)."""
    pieces = split_chunks(source, cache.scan_memo)
    i = 0
    while i < len(pieces):
        offset, text = pieces[i]
        chunk = cache.get(text)
        if chunk.error is not None and len(text) <= MAX_CHUNK_CHARS and not chunk.error[2].startswith(SKIPPED_PREFIX):
            end = _balancing_end(pieces, i, cache.scan_memo)
            if end is not None:
                candidate = cache.get("".join(p[1] for p in pieces[i:end + 1]))
                if candidate.error is None:
                    yield PlacedChunk(candidate, offset)
                    i = end + 1
                    continue
            merged = text
            for j in range(i + 1, min(i + 4, len(pieces))):
                merged += pieces[j][1]
                if len(merged) > MAX_CHUNK_CHARS:
                    break
                candidate = cache.get(merged)
                if candidate.error is None:
                    chunk = candidate
                    i = j
                    break
        yield PlacedChunk(chunk, offset)
        i += 1
