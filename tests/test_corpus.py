"""The real-world corpus as a gate: public Keras programs and notebooks nobody here wrote.

Fails when the checker crashes on a corpus file, reports a syntax error on code Python accepts (a
notebook cell as IPython runs it), reports a finding that has no reviewed verdict in
tests/corpus/verdicts.toml, or reports one whose verdict is "false". The corpus files are fetched at
pinned commits by scripts/fetch_corpus.py (they are not committed); figures: benchmarks/bench_corpus.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))

import harness  # noqa: E402

MIN_FILES = 80

SOURCES = harness.load_sources()
MISSING = harness.missing_or_changed(SOURCES)


@pytest.fixture(scope="module")
def run() -> harness.Run:
    if MISSING:
        pytest.skip(f"corpus not fetched ({len(MISSING)} of {len(SOURCES)} files missing or changed): "
                    "run .venv/bin/python scripts/fetch_corpus.py")
    return harness.check_corpus(SOURCES)


@pytest.fixture(scope="module")
def verdicts() -> dict:
    return harness.load_verdicts()


def _show(items: list[harness.Item], limit: int = 40) -> str:
    lines = [f"{i.where}  {i.rule}  {i.text!r}  ({i.message[:100]})" for i in items[:limit]]
    if len(items) > limit:
        lines.append(f"... and {len(items) - limit} more (benchmarks/bench_corpus.py --review lists them all)")
    return "\n".join(lines)


def test_corpus_is_not_vacuous(run: harness.Run) -> None:
    assert len(SOURCES) >= MIN_FILES
    assert len({e["repo"] for e in SOURCES}) >= 20  # many authors, not one style
    assert run.files == len(SOURCES)
    assert all(e["licence"] and e["commit"] and e["url"] for e in SOURCES)
    # the checker did look at the code: the corpus has findings, and they are keyed to real lines
    assert len(run.items) >= 50
    assert all(item.text for item in run.items)


def test_no_crash(run: harness.Run) -> None:
    if run.crashes:
        pytest.fail(f"{len(run.crashes)} internal errors:\n" + "\n".join(run.crashes))


def test_no_syntax_error_on_code_python_accepts(run: harness.Run) -> None:
    if run.syntax_on_valid:
        pytest.fail(f"{len(run.syntax_on_valid)} syntax errors reported on code Python accepts:\n"
                    + "\n".join(run.syntax_on_valid))


def test_every_finding_has_a_verdict(run: harness.Run, verdicts: dict) -> None:
    unreviewed = [i for i in run.items if harness.verdict_of(i, verdicts) is None]
    if unreviewed:
        pytest.fail(f"{len(unreviewed)} findings have no verdict: read the code, then write true / false / "
                    f"debatable and a reason in tests/corpus/verdicts.toml\n" + _show(unreviewed))


def test_no_false_finding(run: harness.Run, verdicts: dict) -> None:
    false = [i for i in run.items if harness.verdict_of(i, verdicts) == "false"]
    if false:
        pytest.fail(f"{len(false)} findings were reviewed as false (tests/corpus/FALSE_PATTERNS.md):\n" + _show(false))


def test_ipython_cell_reading() -> None:
    """The 'Python accepts' side of the syntax gate reads a cell as IPython runs it."""
    cell = "if IN_COLAB:\n    %pip install -q keras_tuner\n    !tensorboard dev upload \\\n  --one_shot\nx = 1"
    py = harness.ipython_cell_to_python(cell)
    assert py == "if IN_COLAB:\n    pass\n    pass\n\nx = 1"
    assert harness.python_accepts(py)
    assert harness.ipython_cell_to_python("%%bash\nls -l | wc") is None  # not Python, IPython runs it
    assert harness.ipython_cell_to_python("%%time\nmodel.fit(x y)") == "model.fit(x y)"
    assert not harness.python_accepts("model.fit(x y)")
    assert harness.ipython_cell_to_python("files = !ls\nmodel?") == "pass\npass"


def test_verdict_entries_round_trip() -> None:
    """A verdict written for a finding reads back under the same key, whatever its source text holds;
    a placeholder counts as unreviewed."""
    text = 'model.compile(loss="mse", optimizer=Adam(lr=1e-3))  # \\d "quoted" \u00e9'
    item = harness.Item("a__b__c.py", "LRN001", "warning", 7, None, "msg", text, occurrence=2)
    for verdict, expected in (("false", "false"), (harness.PLACEHOLDER, None)):
        entries = harness.tomllib.loads(harness.verdict_toml(item, verdict, 'reason with "quotes"'))["verdict"]
        verdicts = {(v["file"], v["rule"], v["text"], v.get("occurrence", 0)): v for v in entries}
        assert harness.verdict_of(item, verdicts) == expected
    other = harness.Item("a__b__c.py", "LRN001", "warning", 7, None, "msg", text, occurrence=0)
    assert harness.verdict_of(other, verdicts) is None
