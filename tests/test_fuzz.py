"""Robustness: thousands of truncated and mutated versions of the shipped Keras files through the
analyzer (as an editor sends them while someone types). Nothing may raise; every problem is an
AnalysisError with a position inside the text; rules never crash (an `internal` error is a bug);
fixes never turn parseable code into unparseable code; huge files are handled.

FUZZ_EXAMPLES=20000 FUZZ_RANDOM=1 pytest tests/test_fuzz.py   # a longer, non-deterministic run
"""

from __future__ import annotations

import ast
import os
import time
import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from learnability.analysis.chunks import MAX_CHUNK_CHARS
from learnability.engine import Analyzer
from learnability.fixes import apply_fixes
from learnability.sources import notebook_program

CORPUS = sorted((ROOT / "tests" / "fixtures").glob("*.py")) + sorted((ROOT / "examples").glob("*.py"))
TEXTS = [p.read_text(encoding="utf-8") for p in CORPUS]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1500"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=os.environ.get("FUZZ_RANDOM") != "1",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TOKENS = ["(", ")", "[", "]", "{", "}", ":", ",", "=", "'", '"', '"""', "'''", "#", "\\", "\n", " ", "    ",
          "\t", "lambda", "if ", "else", "elif x:", "def f(", "class C:", "@", "*", "**", ".", ";", "0.1",
          "1e-9", "-", "'sigmoid'", "'relu'", "é", "\x00", "\r", "\r\n", "\f", "\u2028", "🙂", "import ",
          "from keras import *", "model.fit(", "layers.Dense(", "keras.Sequential([", "learning_rate=", "lr=",
          "np.ones(", "/ 255", "# learnability: ignore", "# learnability: ignore[LRN101]", "async ", "await ",
          "match x:", "case _:", "yield", "return", "global x", "x := 1", "f'{x}'", "\"\"\"doc"]

ANALYZER = Analyzer()  # shared, as in the language server: the cache must stay consistent under edits


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        n = len(text)
        op = draw(st.sampled_from(["truncate", "delete", "insert", "replace", "dup_line", "swap_lines",
                                   "indent", "dedent"]))
        if op == "truncate":
            text = text[: draw(st.integers(0, n))]
        elif op in ("delete", "replace", "insert"):
            a = draw(st.integers(0, n))
            b = a if op == "insert" else draw(st.integers(a, min(n, a + 40)))
            new = "" if op == "delete" else draw(st.sampled_from(TOKENS) | st.text(max_size=6))
            text = text[:a] + new + text[b:]
        else:
            lines = text.splitlines(keepends=True)
            if not lines:
                continue
            i = draw(st.integers(0, len(lines) - 1))
            if op == "dup_line":
                lines.insert(i, lines[i])
            elif op == "swap_lines":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            elif op == "indent":
                lines[i] = "    " + lines[i]
            else:
                lines[i] = lines[i].lstrip(" \t")
            text = "".join(lines)
    return text


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)  # parsed only, never run
        return True
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False


def _check_result(text: str, result) -> None:
    n_lines = text.count("\n") + 1
    for e in result.errors:
        assert e.kind in ("syntax", "skipped"), f"{e.kind}: {e.message}"
        assert 1 <= e.line <= n_lines and e.column >= 0, e
        assert e.message
    for f in result.findings:
        assert 1 <= f.span.line <= f.span.end_line <= n_lines, f
        assert f.span.column >= 0 and f.span.end_column >= 0


@FUZZ
@given(mutated())
def test_mutated_sources_never_raise_and_errors_are_well_formed(text):
    result = ANALYZER.analyze(text, "fuzz.py")
    _check_result(text, result)
    if _parses(text) and not result.errors:
        fixed, count = apply_fixes(text, result.findings)
        assert not count or _parses(fixed), "a safe fix produced code that does not parse"


@settings(max_examples=max(EXAMPLES // 3, 100), deadline=None, database=None,
          derandomize=os.environ.get("FUZZ_RANDOM") != "1", suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TEXTS), st.data())
def test_every_prefix_of_a_file_being_typed(text, data):
    # someone typing the file from the top: every cut, mid-token included
    cut = data.draw(st.integers(0, len(text)))
    result = ANALYZER.analyze(text[:cut], "typing.py")
    _check_result(text[:cut], result)


@settings(max_examples=max(EXAMPLES // 5, 60), deadline=None, database=None,
          derandomize=os.environ.get("FUZZ_RANDOM") != "1", suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.lists(st.integers(0, 10_000), max_size=5))
def test_mutated_notebook_cells_map_back_inside_their_cells(text, cuts):
    lines = text.splitlines(keepends=True)
    bounds = sorted({c % (len(lines) + 1) for c in cuts} | {0, len(lines)})
    cells = ["".join(lines[a:b]) for a, b in zip(bounds, bounds[1:])] or [""]
    program, mapping = notebook_program(cells)
    result = ANALYZER.analyze(program, "fuzz.ipynb")
    _check_result(program, result)
    for f in result.findings:
        cell, line = mapping[f.span.line - 1]
        assert 0 <= cell < len(cells) and 0 <= line <= cells[cell].count("\n") + 1


# --------------------------------------------------------------------------- half-typed code
def test_a_syntax_error_in_one_statement_does_not_hide_findings_in_the_others():
    text = (ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py").read_text()
    clean = {(f.rule, f.span.line) for f in Analyzer().analyze(text).findings}
    assert ("LRN101", 10) in clean
    lines = text.splitlines(keepends=True)
    # break the statement on line 7 (`y = ...`) the way a half-typed edit does
    assert lines[6].startswith("y = ")
    lines[6] = "y = np.random.randint(0, 2,\n"
    result = Analyzer().analyze("".join(lines))
    assert [(e.line, e.kind) for e in result.errors] == [(7, "syntax")]
    assert ("LRN101", 10) in {(f.rule, f.span.line) for f in result.findings}
    assert ("LRN101", 12) in {(f.rule, f.span.line) for f in result.findings}


# --------------------------------------------------------------------------- huge files
def test_five_megabyte_file_of_data_and_a_model(capsys):
    model = (ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py").read_text()
    rows = "".join(f"    [{i}, {i * 0.5}, {i % 7}, {i % 3}],\n" for i in range(180_000))
    text = "TABLE = [\n" + rows + "]\n" + model
    assert len(text) > 5_000_000
    t0 = time.perf_counter()
    result = Analyzer().analyze(text, "huge.py")
    elapsed = time.perf_counter() - t0
    table_lines = rows.count("\n") + 2
    assert [(e.line, e.kind) for e in result.errors] == [(1, "skipped")]
    assert f"above {MAX_CHUNK_CHARS // 1000} kB" in result.errors[0].message
    assert {(f.rule, f.span.line - table_lines) for f in result.findings} >= {("LRN101", 10), ("LRN101", 12)}
    with capsys.disabled():
        print(f"\n5 MB file (one 5 MB statement + a model) analysed in {elapsed:.1f} s")  # reported, not asserted


def test_many_statements_file_scales_linearly_in_findings():
    # 200 copies of a buggy model, each renamed: every copy is found (no cap, no dedup across copies)
    model = (ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py").read_text()
    body = model.split("\n", 1)[1]
    text = "".join(body.replace("model", f"model_{i}").replace("X ", f"X{i} ").replace("X,", f"X{i},")
                   for i in range(200))
    result = Analyzer().analyze(text, "many.py")
    assert not result.errors
    assert sum(f.rule == "LRN101" for f in result.findings) == 400


def test_fifty_thousand_small_statements_are_analysed_and_the_last_assignment_wins(capsys):
    # ~50,000 top-level statements assigning the same two names over and over, then a model at the end:
    # lookups bisect the assignments (they were linear scans: quadratic in the file's statements)
    n = 50_000
    head = "import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n"
    body = "".join(f"lr = {i} * 1e-5\n" if i % 2 else f"X = np.ones(({i}, 8, 8, 1))\n" for i in range(n))
    tail = (
        "model = keras.Sequential([\n"
        "    layers.Conv2D(8, 3, activation=\"sigmoid\", input_shape=(8, 8, 1)),\n"
        "    layers.Flatten(),\n"
        "    layers.Dense(1),\n"
        "])\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss=\"mse\")\n"
        "model.fit(X, X[:, 0, 0, 0], epochs=5)\n"
    )
    start = 3 + n  # lines before the model
    t0 = time.perf_counter()
    result = Analyzer().analyze(head + body + tail, "many_statements.py")
    elapsed = time.perf_counter() - t0
    assert not result.errors
    found = {(f.rule, f.span.line - start) for f in result.findings}
    assert ("LRN101", 2) in found  # the sigmoid convolution planted at the end
    assert ("LRN601", 7) in found  # X: the last of 25,000 np.ones assignments
    lr = [f for f in result.findings if f.rule == "LRN301"]  # lr: the last of 25,000 (49999 * 1e-5 = 0.5)
    assert [f.span.line - start for f in lr] == [6]
    with capsys.disabled():
        print(f"\n{n} small statements analysed in {elapsed:.1f} s")  # reported, not asserted
