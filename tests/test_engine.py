"""The analyzer's chunk cache and its isolation of syntax errors."""

from __future__ import annotations

import textwrap

import pytest

from learnability.analysis import chunks
from learnability.analysis.chunks import MAX_CHUNK_CHARS, ChunkCache, parse_chunks, split_chunks
from learnability.engine import Analyzer, suppressed_rules

SCRIPT = textwrap.dedent('''\
    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers

    LR = 0.1
    X = np.load("images.npy")
    y = np.repeat(np.arange(10), 10)


    def build():
        model = keras.Sequential([
            layers.Conv2D(16, 3, activation="sigmoid", input_shape=(28, 28, 1)),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ])
        return model


    model = build()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=LR), loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=5, batch_size=32, shuffle=True)
''')


def rules_of(result) -> set[str]:
    return {f.rule for f in result.findings}


# --------------------------------------------------------------------------- cache
def test_one_line_edit_reparses_only_the_changed_chunk(monkeypatch):
    analyzer = Analyzer()
    analyzer.analyze(SCRIPT, "t.py")
    parsed: list[str] = []
    real = chunks._parse
    monkeypatch.setattr(chunks, "_parse", lambda text: parsed.append(text) or real(text))
    edited = SCRIPT.replace("Dense(10, activation", "Dense(12, activation")
    result = analyzer.analyze(edited, "t.py")
    assert len(parsed) == 1
    assert parsed[0].startswith("def build():") and "Dense(12," in parsed[0]
    assert "LRN101" in rules_of(result)


def test_unchanged_source_parses_nothing_and_gives_the_same_findings():
    analyzer = Analyzer()
    first = analyzer.analyze(SCRIPT, "t.py")
    before = analyzer.cache.parses
    second = analyzer.analyze(SCRIPT, "t.py")
    assert analyzer.cache.parses == before
    assert [(f.rule, f.span) for f in first.findings] == [(f.rule, f.span) for f in second.findings]


def test_moving_a_statement_down_reuses_its_parse_and_shifts_its_spans():
    analyzer = Analyzer()
    first = analyzer.analyze(SCRIPT, "t.py")
    before = analyzer.cache.parses
    shifted = analyzer.analyze("# a comment\n\n" + SCRIPT, "t.py")
    assert analyzer.cache.parses - before == 1  # only the new first chunk (comment + imports)
    old = {f.rule: f.span for f in first.findings}
    new = {f.rule: f.span for f in shifted.findings}
    assert new["LRN101"].line == old["LRN101"].line + 2
    assert new["LRN101"].column == old["LRN101"].column


def test_cache_is_bounded():
    cache = ChunkCache(size=3)
    for i in range(10):
        cache.get(f"x{i} = {i}\n")
    assert len(cache) == 3


# --------------------------------------------------------------------------- splitting
@pytest.mark.parametrize("source, starts", [
    ("a = 1\nb = 2\n", [0, 1]),
    ("@dec\n@dec2(\n  1)\ndef f():\n    pass\nx = 1\n", [0, 5]),
    # a decorator call closed at column 0, then another decorator (libcst's own sources do this)
    ("@dec(\n    1,\n)\n@dec2(\n    2,\n)\ndef f():\n    pass\nx = 1\n", [0, 8]),
    ("if a:\n    b = 1\nelif c:\n    pass\nelse:\n    pass\nz = 1\n", [0, 6]),
    ("try:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\n", [0]),
    ('s = """\nnot a statement\n"""\nt = 1\n', [0, 3]),
    ("x = 1 + \\\n2\ny = 2\n", [0, 2]),
    ("x = [\n1,\n]\n", [0, 1]),  # an unindented continuation: split, then merged by parse_chunks
])
def test_split_chunks_starts(source, starts):
    assert [start for start, _ in split_chunks(source)] == starts
    assert "".join(text for _, text in split_chunks(source)) == source


def test_unindented_continuation_lines_are_merged_back_into_one_statement():
    placed = list(parse_chunks("x = [\n1,\n]\ny = 2\n", ChunkCache()))
    assert [p.chunk.error for p in placed] == [None, None]
    assert [p.line_offset for p in placed] == [0, 3]


def test_split_with_memo_equals_split_without():
    memo: dict = {}
    sources = [SCRIPT, SCRIPT.replace("LR = 0.1", 'LR = """0.1\n'), SCRIPT.replace("(", "((", 3)]
    for source in sources * 2:
        assert split_chunks(source, memo) == split_chunks(source)


# --------------------------------------------------------------------------- syntax errors
def test_syntax_error_in_one_statement_keeps_findings_in_the_others():
    broken = SCRIPT.replace('LR = 0.1', 'LR = 0.1 +* 2')
    result = Analyzer().analyze(broken, "t.py")
    assert [(e.line, e.kind) for e in result.errors] == [(5, "syntax")]
    assert "LRN101" in rules_of(result)


def test_half_typed_call_reports_cpython_message_and_position():
    half = SCRIPT.replace("model.fit(X, y, epochs=5, batch_size=32, shuffle=True)", "model.fit(X, y, epochs=")
    result = Analyzer().analyze(half, "t.py")
    assert len(result.errors) == 1
    err = result.errors[0]
    assert (err.line, err.column, err.message) == (21, 9, "syntax error: '(' was never closed")
    assert "LRN101" in rules_of(result)


@pytest.mark.parametrize("source", [
    "x = 1\0\n",
    "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",  # CPython: too many nested parentheses
    "x = " + "a." * 20000 + "b\n",  # CPython: too deep to build
    "x = " + "a." * 2900 + "b\n",  # libcst would overflow its stack (CPython may accept it)
    "x = " + "-" * 20000 + "1\n",
    "x = 1" + " + 1" * 4000 + "\n",  # libcst: 46 s
    "x = f" + "(1)" * 1000 + "\n",  # libcst: 4 s
])
def test_pathological_nesting_is_an_error_or_a_skip_never_a_crash_or_a_hang(source):
    # (libcst's native parser segfaults on the deep ones: this test dies, not fails, if a guard goes)
    result = Analyzer().analyze(source + SCRIPT, "t.py")
    assert [e.line for e in result.errors] == [1]
    assert result.errors[0].kind in ("syntax", "skipped")
    assert "LRN101" in rules_of(result)


def test_null_byte_inside_a_string_is_a_syntax_error_at_its_position():
    # (found by the fuzz test: libcst accepts it, CPython refuses the file)
    result = Analyzer().analyze(SCRIPT.replace('loss="sparse', 'loss="\0sparse'), "t.py")
    line = next(i for i, ln in enumerate(SCRIPT.splitlines(), 1) if 'loss="sparse' in ln)
    col = SCRIPT.splitlines()[line - 1].index('loss="sparse') + len('loss="')
    assert [(e.line, e.column, e.kind) for e in result.errors] == [(line, col, "syntax")]
    assert "null bytes" in result.errors[0].message
    assert "LRN101" in rules_of(result)


def test_deep_but_valid_expression_is_skipped_with_a_note():
    result = Analyzer().analyze("x = 1" + " + 1" * 300 + "\n" + SCRIPT, "t.py")
    assert [(e.line, e.kind) for e in result.errors] == [(1, "skipped")]
    assert "nested 30" in result.errors[0].message


def test_giant_data_statement_is_skipped_with_a_note_and_the_rest_is_analysed():
    data = "DATA = [\n" + "".join(f"    [{i}, {i % 7}],\n" for i in range(MAX_CHUNK_CHARS // 10)) + "]\n"
    result = Analyzer().analyze(data + SCRIPT, "t.py")
    assert [(e.line, e.kind) for e in result.errors] == [(1, "skipped")]
    assert "not analysed" in result.errors[0].message
    assert "LRN101" in rules_of(result)


def test_giant_statement_with_a_syntax_error_reports_it():
    data = "DATA = [\n" + "".join(f"    [{i}, {i % 7}],\n" for i in range(MAX_CHUNK_CHARS // 10)) + "    [1 2],\n]\n"
    result = Analyzer().analyze(data, "t.py")
    assert [e.kind for e in result.errors] == ["syntax"]
    assert result.errors[0].line == data.count("\n") - 1


def test_program_model_crash_becomes_an_internal_error(monkeypatch):
    from learnability import engine

    class Boom:
        def __init__(self, *a, **k):
            raise RuntimeError("model bug")

    monkeypatch.setattr(engine, "Program", Boom)
    result = Analyzer().analyze(SCRIPT, "t.py")
    assert result.findings == []
    assert [e.kind for e in result.errors] == ["internal"]
    assert "model bug" in result.errors[0].message


# --------------------------------------------------------------------------- suppression
def test_suppression_comment_forms():
    assert suppressed_rules("x = 1  # learnability: ignore[LRN101]") == {"LRN101"}
    assert suppressed_rules("x = 1  # learnability: ignore[lrn101, LRN301]") == {"LRN101", "LRN301"}
    assert suppressed_rules("x = 1  # learnability: ignore") == set()
    assert suppressed_rules("x = 1  # noqa") is None


def test_bare_suppression_hides_every_rule_on_that_line_only():
    src = SCRIPT.replace('input_shape=(28, 28, 1)),', 'input_shape=(28, 28, 1)),  # learnability: ignore')
    result = Analyzer().analyze(src, "t.py")
    assert "LRN101" not in rules_of(result)
    assert "LRN301" in rules_of(result)  # on another line


def test_form_feeds_and_unicode_line_separators_do_not_shift_line_numbers():
    # str.splitlines() breaks at \f and \u2028; Python and libcst do not
    odd = SCRIPT.replace("LR = 0.1\n", "\f\nLR = 0.1  # \u2028 \x1c\n")
    plain = {f.rule: f.span for f in Analyzer().analyze(SCRIPT, "t.py").findings}
    shifted = {f.rule: f.span for f in Analyzer().analyze(odd, "t.py").findings}
    assert shifted["LRN101"] == plain["LRN101"].shifted(1)
    suppressed = odd.replace('input_shape=(28, 28, 1)),', 'input_shape=(28, 28, 1)),  # learnability: ignore[LRN101]')
    assert "LRN101" not in rules_of(Analyzer().analyze(suppressed, "t.py"))
