"""The language server's pure parts: columns, settings, suppress comments, minimal edits, the worker."""

from __future__ import annotations

import asyncio

import pytest

from learnability.config import Config
from learnability.findings import Span
from learnability.lsp.code_actions import suppress_edit
from learnability.lsp.positions import LineMap, from_client_column, split_lines, to_client_column
from learnability.lsp.publish import minimal_edit
from learnability.lsp.settings import Settings
from learnability.lsp.state import Snapshot
from learnability.lsp.worker import AnalysisWorker, Superseded


@pytest.mark.parametrize("encoding,expected", [("utf-16", 12), ("utf-8", 15), ("utf-32", 11)])
def test_columns_in_each_encoding(encoding, expected):
    line = 'x = "é😀ab" + y'
    col = line.index("+") - 1  # code points
    assert col == 10
    assert to_client_column(line, col + 1, encoding) == expected
    assert from_client_column(line, expected, encoding) == col + 1


def test_columns_clamp_and_ascii_fast_path():
    assert to_client_column("abc", 10, "utf-16") == 3
    assert to_client_column("", 0, "utf-16") == 0
    assert from_client_column("abc", 2, "utf-16") == 2


def test_split_lines_counts_like_lsp():
    assert split_lines("a\r\nb\rc\nd\x0ce") == ["a", "b", "c", "d\x0ce"]
    assert split_lines("") == [""]
    lm = LineMap(split_lines("é😀\nz"), "utf-16")
    assert lm.position(1, 2).character == 3 and lm.position(2, 1).character == 1


def test_settings_parse_and_report_problems():
    problems: list[str] = []
    s = Settings.from_dict({"settings": {"select": "lrn1, LRN5", "ignore": ["lrn602"], "lintOn": "save",
                                         "probe": {"budgetSeconds": 5, "timeoutSeconds": -1},
                                         "logLevel": "DEBUG", "thresholds": {"lr_max_sgd": 0.5}}}, problems)
    assert s.select == ["LRN1", "LRN5"] and s.ignore == ["LRN602"] and s.lint_on == "save"
    assert s.probe_budget_s == 5.0 and s.probe_timeout_s is None and s.log_level == "debug"
    assert problems == ["'probe.timeoutSeconds' must be a positive number of seconds"]
    problems = []
    s = Settings.from_dict({"learnability": {"thresholds": {"nope": 1}, "lintOn": "never"}}, problems)
    assert s.thresholds == {} and s.lint_on == "change" and len(problems) == 2
    assert Settings.from_dict([1, 2], problems := []) == Settings() and problems


def test_editor_settings_go_on_top_of_pyproject(tmp_path):
    from learnability.lsp.settings import ConfigResolver

    (tmp_path / "pyproject.toml").write_text('[tool.learnability]\nignore = ["LRN602"]\nselect = ["LRN"]\n')
    resolver = ConfigResolver()
    cfg, problem = resolver.config_for(str(tmp_path / "a.py"), Settings(ignore=["LRN101"], select=["LRN1", "LRN6"]))
    assert problem is None
    assert cfg.select == ["LRN1", "LRN6"] and set(cfg.ignore) == {"LRN602", "LRN101"}
    (tmp_path / "pyproject.toml").write_text("[tool.learnability\n")  # broken: reported, defaults used
    import os
    os.utime(tmp_path / "pyproject.toml", (1, 1))
    cfg, problem = resolver.config_for(str(tmp_path / "a.py"), Settings())
    assert problem and cfg == Config()


@pytest.mark.parametrize("line,rule,expected", [
    ("model.fit(X, y)", "LRN501", (15, 15, "  # learnability: ignore[LRN501]")),
    ("model.fit(X, y)   ", "LRN501", (15, 18, "  # learnability: ignore[LRN501]")),
    ("model.fit(X, y)  # learnability: ignore[LRN602]", "LRN501", (40, 46, "LRN602, LRN501")),
    ("model.fit(X, y)  # learnability: ignore[LRN501]", "LRN501", None),
    ("model.fit(X, y)  # learnability: ignore", "LRN501", None),
    ("x = a + \\", "LRN501", None),
])
def test_suppress_edit(line, rule, expected):
    assert suppress_edit(line, rule) == expected


def test_minimal_edit_trims_common_prefix_and_suffix():
    text = 'a = f("sigmoid")  # é😀\nb = X\n'
    lm = LineMap(split_lines(text), "utf-16")
    snap = Snapshot("u", 1, text, None, {"u": (3, lm)})
    snap.where = lambda line: ("u", line)
    uri, edit = minimal_edit(snap, Span(1, 6, 1, 15), '"relu"')
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (7, 14, "relu")
    uri, edit = minimal_edit(snap, Span(2, 4, 2, 5), "X / 100.0")
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (5, 5, " / 100.0")


async def test_worker_process_restarts_and_supersedes():
    worker = AnalysisWorker()
    try:
        src = "from tensorflow import keras\nm = keras.layers.Conv2D(8, 3, activation='sigmoid')\n"
        out = await asyncio.wait_for(worker.analyze("a", src, "a.py", Config()), 60)
        assert out.errors == [] and out.elapsed >= 0
        # a crash of the child: the next job starts a fresh one
        worker._proc.kill()
        worker._proc.wait()
        await asyncio.sleep(0.2)
        out = await asyncio.wait_for(worker.analyze("a", src, "a.py", Config()), 60)
        assert worker.restarts == 1
        # a burst for one document: the waiting jobs are superseded, the last one answers
        big = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(3000))
        jobs = [asyncio.ensure_future(worker.analyze("b", big + f"# {i}\n", "b.py", Config())) for i in range(5)]
        results = await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), 120)
        assert not isinstance(results[-1], Exception)
        assert any(isinstance(r, Superseded) for r in results[1:-1])
        # cancelling a running job kills the child; another document's job is re-sent and answers
        fresh = "".join(f"def g{i}(x):\n    return x * {i} - 1\n\n" for i in range(40000))  # not in the cache
        slow = asyncio.ensure_future(worker.analyze("c", fresh, "c.py", Config()))
        other = asyncio.ensure_future(worker.analyze("d", src, "d.py", Config()))
        await asyncio.sleep(0.3)
        worker.cancel_key("c")
        with pytest.raises(Superseded):
            await asyncio.wait_for(slow, 10)
        assert (await asyncio.wait_for(other, 60)).errors == []
    finally:
        worker.close()


def test_server_process_imports_neither_tensorflow_nor_libcst():
    """The server process stays light: libcst lives in the analysis worker, TensorFlow in the probe's."""
    import subprocess
    import sys

    code = ("import sys; import learnability.lsp.main as s; s.create_server(); "
            "print(*(m in sys.modules for m in ('tensorflow', 'keras', 'libcst', 'jax', 'torch')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False"] * 5, out.stderr
