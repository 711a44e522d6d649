"""The file fuzz: more than 5,000 generated and mutated versions of the shipped Keras files
(tests/fixtures/) through the analyzer and `--fix`, as an editor sends them while someone types and as
files arrive from other systems. Mutations: characters and lines deleted, inserted, duplicated and
swapped, truncation, line ends swapped (LF, CRLF, CR-only, mixed), IPython magics and shell lines,
non-ASCII and Unicode line separators, BOMs, deep nesting, large literals. Checked for every input:
nothing raises and no rule crashes (an `internal` error is a bug); every problem is an AnalysisError
with a position inside the text; no input takes longer than its time budget (a hang fails the test
with the input, it is not a speed assertion); `--fix` changes no byte outside its fixes' spans (line
ends and BOM included; for notebooks no byte of the JSON outside the edited cells' sources) and
never turns parseable code into unparseable code. (The LSP message-stream fuzz is in tests/lsp/.)

FUZZ_EXAMPLES=20000 FUZZ_RANDOM=1 pytest tests/robustness/test_fuzz.py   # a longer, non-deterministic run
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import random
import re
import signal
import warnings
from pathlib import Path

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnability.cli import check_file
from learnability.config import Config
from learnability.engine import Analyzer
from learnability.fixes import apply_fixes
from learnability.lines import line_starts, split_lines, to_lf
from learnability.sources import Source, _source_values, fixed_source, load_source, notebook_program

CORPUS = sorted((ROOT / "tests" / "fixtures").glob("*.py"))
TEXTS = [p.read_text(encoding="utf-8") for p in CORPUS]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1500"))
SEED = random.randrange(1 << 30) if os.environ.get("FUZZ_RANDOM") == "1" else 20261201
BUDGET_S = 30.0  # per input: far above any normal analysis; only a hang reaches it


class Hang(Exception):
    pass


@contextlib.contextmanager
def budget(what: str, seconds: float = BUDGET_S):
    """Fail with `what` when the block runs longer than `seconds` (a hang), instead of blocking CI."""
    def on_alarm(signum, frame):
        raise Hang(f"no result after {seconds:.0f} s: {what}")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)

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
    n_lines = len(split_lines(text))  # lines as Python counts them
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
    with budget(f"analysing {text[:200]!r}..."):
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
    with budget(f"a prefix of {cut} characters"):
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
    with budget(f"notebook cells {cells!r:.200}"):
        result = ANALYZER.analyze(program, "fuzz.ipynb")
    _check_result(program, result)
    for f in result.findings:
        cell, line = mapping[f.span.line - 1]
        assert 0 <= cell < len(cells) and 0 <= line <= len(split_lines(cells[cell]))


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


# --------------------------------------------------------------------------- files through --fix
MAGICS = ["%matplotlib inline", "!pip install -q keras", "files = !ls", "y = %time f()", "%time f()", "obj?",
          "??obj", "%%bash", "%%time", "if IN_COLAB:\n    %pip install -q keras_tuner", "%load_ext autoreload"]
UNICODE = ["é", "ü", "ß", "中文", "🙂", "\u2028", "\u2029", "\x85", "\x0c", "\x1c", "\ufeff", "\u200b", "\t"]
ENDS = ["\n", "\r\n", "\r"]


def mutate(rng: random.Random, text: str) -> str:
    """A few random edits of the kinds listed at the top of this module (seeded: reproducible)."""
    for _ in range(rng.randint(1, 4)):
        n = len(text)
        op = rng.randrange(13)
        a = rng.randint(0, n)
        if op == 0:
            text = text[:a] + text[min(n, a + rng.randint(1, 30)):]
        elif op == 1:
            text = text[:a] + rng.choice(TOKENS) + text[a:]
        elif op == 2 and n:
            text = text[:a] + text[a:a + 1] * rng.randint(2, 5) + text[a + 1:]
        elif op in (3, 4, 5):
            lines = text.splitlines(keepends=True)
            if lines:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                if op == 3:
                    lines.insert(i, lines[j])
                elif op == 4:
                    del lines[i]
                else:
                    lines[i], lines[j] = lines[j], lines[i]
                text = "".join(lines)
        elif op == 6:  # every line end one kind, or each line its own
            kind = rng.choice(ENDS + ["mixed"])
            parts = re.split(r"(\r\n|\r|\n)", text)
            for k in range(1, len(parts), 2):
                parts[k] = rng.choice(ENDS) if kind == "mixed" else kind
            text = "".join(parts)
        elif op == 7:
            starts = [m.end() for m in re.finditer(r"\n", text)] or [0]
            b = rng.choice(starts)
            text = text[:b] + rng.choice(MAGICS) + "\n" + text[b:]
        elif op == 8:
            text = text[:a] + rng.choice(UNICODE) + text[a:]
        elif op == 9:
            k = rng.choice([20, 60, 150, 400])
            text = text[:a] + "(" * k + "1" + ")" * k + text[a:]
        elif op == 10:
            text += "\nDATA = [" + ", ".join(str(rng.random()) for _ in range(rng.choice([100, 1000, 5000]))) + "]\n"
        elif op == 11:
            text = text[: rng.randint(0, n)]
        else:
            text = text.replace("    ", rng.choice(["\t", "  ", "        ", "\x0c    "]), rng.randint(1, 3))
    return text


def inputs(count: int, salt: int) -> list[str]:
    rng = random.Random(SEED + salt)
    out = []
    for _ in range(count):
        text = rng.choice(TEXTS)
        if rng.random() < 0.3:  # start from a whole file in another line-end style
            text = text.replace("\n", rng.choice(ENDS))
        out.append(mutate(rng, text))
    return out


def safe_edit_offsets(raw: str, findings) -> list[tuple[int, int]]:
    """Offsets in `raw` of every edit of every safe fix (computed here, independently of fixes.py)."""
    starts = line_starts(raw)
    out = []
    for f in findings:
        if f.fix is None or not f.fix.safe:
            continue
        for e in f.fix.edits:
            def off(line, col):
                if line > len(starts):
                    return len(raw)
                nxt = starts[line] if line < len(starts) else len(raw)
                body_end = nxt - len(re.search(r"(\r\n|\r|\n)?$", raw[starts[line - 1]:nxt]).group())
                return min(starts[line - 1] + col, body_end)
            out.append((off(e.span.line, e.span.column), off(e.span.end_line, e.span.end_column)))
    return sorted(out)


def assert_only_spans_changed(old: str, new: str, spans: list[tuple[int, int]]) -> None:
    """Every byte of `old` outside `spans` is in `new`, in order: the text before the first span is a
    prefix, the text after the last a suffix, and each gap between spans follows the one before."""
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    assert merged, "the text changed without any fix"
    head, tail = old[: merged[0][0]], old[merged[-1][1]:]
    assert new.startswith(head), "text before the first fix changed"
    assert new.endswith(tail) and len(new) >= len(head) + len(tail), "text after the last fix changed"
    pos = len(head)
    for (_, b), (a, _) in zip(merged, merged[1:]):
        found = new.find(old[b:a], pos, len(new) - len(tail))
        assert found >= 0, f"text between fixes changed: {old[b:a]!r}"
        pos = found + (a - b)


FILE_INPUTS = int(os.environ.get("FUZZ_FILES", str(max(EXAMPLES * 5 // 3, 100))))  # 2,500 by default


def test_fuzzed_files_through_fix_change_nothing_outside_the_fixes():
    fixed_any = 0
    for n, raw in enumerate(inputs(FILE_INPUTS, 1)):
        with budget(f"input {n} (seed {SEED}): {raw[:200]!r}"):
            result = ANALYZER.analyze(raw, "fuzz.py")
            _check_result(raw, result)
            src = Source(Path("fuzz.py"), raw.replace("\r\n", "\n").replace("\r", "\n"), raw=raw)
            new_src, count = fixed_source(src, result.findings)
        if new_src is None:
            continue
        fixed_any += 1
        assert new_src.raw != raw and count > 0
        assert_only_spans_changed(raw, new_src.raw, safe_edit_offsets(raw, result.findings))
        if _parses(raw):
            assert _parses(new_src.raw), f"input {n}: a safe fix produced code that does not parse"
        # the same fixes land on the same code whatever the line ends: with every end "\n" the result
        # is the same text (also a check that each fix lands where it should, not just somewhere)
        lf = to_lf(raw)
        assert to_lf(new_src.raw) == apply_fixes(lf, result.findings)[0], f"input {n}: line ends moved a fix"
        if n % 10 == 0 and _parses(lf):  # form feeds before statements change nothing either (CPython)
            with budget(f"input {n} with form feeds"):
                fed = re.sub(r"^(?=[A-Za-z_])", "\x0c", lf, flags=re.MULTILINE)
                fed_fixed, _ = apply_fixes(fed, ANALYZER.analyze(fed, "fuzz.py").findings)
            assert fed_fixed.replace("\x0c", "") == apply_fixes(lf, result.findings)[0].replace("\x0c", ""), \
                f"input {n}: a form feed moved a fix"
    assert fixed_any >= FILE_INPUTS // 20, "the fuzz hardly exercised --fix"  # the inputs carry findings


def _notebook_bytes(rng: random.Random, cells: list[str]) -> bytes:
    nb = {"cells": [], "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    for c in cells:
        if rng.random() < 0.2:
            nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["# Über ✓\n", c[:20]]})
        source = c if rng.random() < 0.2 else c.splitlines(keepends=True)
        nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                            "source": source})
    text = json.dumps(nb, indent=rng.choice([1, 2, 4]), ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + text.encode("utf-8")


NOTEBOOK_INPUTS = int(os.environ.get("FUZZ_NOTEBOOKS", str(max(EXAMPLES // 5, 30))))  # 300 by default


def test_fuzzed_notebooks_through_fix_change_only_the_edited_cell_sources(tmp_path):
    rng = random.Random(SEED + 2)
    texts = inputs(NOTEBOOK_INPUTS, 3)
    fixed_any = 0
    for n, text in enumerate(texts):
        lines = text.splitlines(keepends=True)
        cuts = sorted({rng.randint(0, len(lines)) for _ in range(rng.randint(0, 4))} | {0, len(lines)})
        cells = ["".join(lines[a:b]) for a, b in zip(cuts, cuts[1:])] or [""]
        path = tmp_path / f"n{n}.ipynb"
        data = _notebook_bytes(rng, cells)
        path.write_bytes(data)
        with budget(f"notebook {n} (seed {SEED})"):
            src = load_source(path)
            result = ANALYZER.analyze(src.text, str(path))
            _check_result(src.text, result)
            for e in result.errors:
                mapped = src.map_error(e)
                if mapped.cell is not None:
                    assert 1 <= mapped.line <= max(1, len(split_lines(src.cells[src.cell_numbers.index(mapped.cell)])))
            new_src, count = fixed_source(src, result.findings)
        if new_src is None:
            continue
        fixed_any += 1
        old_raw, new_raw = src.raw, new_src.raw
        assert new_src.bom == src.bom
        old_nb, new_nb = json.loads(old_raw), json.loads(new_raw)
        changed = [i for i, (a, b) in enumerate(zip(old_nb["cells"], new_nb["cells"])) if a != b]
        assert changed and all(set(old_nb["cells"][i]) == set(new_nb["cells"][i]) for i in changed)
        for i in changed:  # only the source differs
            assert {k: v for k, v in old_nb["cells"][i].items() if k != "source"} == \
                   {k: v for k, v in new_nb["cells"][i].items() if k != "source"}
        spans = _source_values(old_raw, set(changed))
        assert_only_spans_changed(old_raw, new_raw, [(spans[i][0], spans[i][1]) for i in changed])
    assert fixed_any >= NOTEBOOK_INPUTS // 20


CLI_INPUTS = int(os.environ.get("FUZZ_CLI", str(max(EXAMPLES // 15, 20))))  # 100 by default


def test_fuzzed_files_through_the_cli_fix_path(tmp_path):
    # the whole path: read, analyse, fix (several passes), re-check, write atomically
    rng = random.Random(SEED + 4)
    config = Config()
    for n, text in enumerate(inputs(CLI_INPUTS, 5)):
        bom = rng.random() < 0.2
        path = tmp_path / f"f{n}.py"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))
        with budget(f"check --fix on input {n} (seed {SEED})"):
            findings, errors, fixed = check_file(ANALYZER, path, config, fix=True)
        assert not [e for e in errors if e.kind in ("internal", "write")], errors
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") == bom
        if not fixed:
            assert data == (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"f{k}.py" for k in range(n + 1))
