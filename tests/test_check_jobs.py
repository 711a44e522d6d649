"""`learnability check --jobs N`: files checked on worker processes give exactly the serial output, in
the same order, with the same errors, exit codes and `--fix` results; the pool's workers never import
from the user's folder, survive a worker that dies, and keep a bounded number of files in flight."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, conv_script

from learnability import cli, parallel
from learnability.cli import main

NOTEBOOK = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}
                      for src in ("import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n",
                                  "x = np.random.rand(64, 28, 28, 1) * 255\ny = np.arange(64) % 10\n",
                                  'model = keras.Sequential([layers.Conv2D(8, 3, activation="sigmoid"), layers.Flatten(),\n'
                                  '                          layers.Dense(10, activation="softmax")])\n'
                                  'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n'
                                  "model.fit(x, y, epochs=5)\n")],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def make_project(folder: Path) -> Path:
    """Every kind of file `check` meets: findings, fixable findings, clean files, a syntax error, a file
    that is not UTF-8, a notebook; in nested folders, more files than the workers' window."""
    for k, fixture in enumerate(sorted(FIXTURES.glob("*.py"))):
        group = folder / f"group_{k % 3}"
        group.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, group / fixture.name)
    (folder / "many").mkdir()
    for k in range(12):
        (folder / "many" / f"model_{k:02d}.py").write_text(
            conv_script(f'optimizer=keras.optimizers.Adam(learning_rate={0.001 * (k + 1):g}), loss="mse"'))
    (folder / "broken.py").write_text("import numpy as np\n\nx = np.ones((3,\n")
    (folder / "latin.py").write_bytes(b"x = 1\ns = '\xe9t\xe9'\n")
    (folder / "nb.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    return folder


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workers_for_small_folders(monkeypatch):
    """Worker processes even for a small folder (normally checked in-process: too little to pay for them)."""
    monkeypatch.setattr(cli, "BYTES_PER_WORKER", 1)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_jobs_2_prints_exactly_what_jobs_1_prints(tmp_path, capsys, monkeypatch, workers_for_small_folders, fmt):
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project)
    serial = run_main(capsys, "check", ".", "--format", fmt, "--jobs", "1")
    parallel_run = run_main(capsys, "check", ".", "--format", fmt, "--jobs", "2")
    assert parallel_run == serial
    code, out, _ = serial
    assert code == 1
    if fmt == "json":
        data = json.loads(out)
        assert {e["kind"] for e in data["errors"]} == {"syntax", "io"}
        assert {f["path"] for f in data["findings"]} >= {"nb.ipynb", os.path.join("many", "model_00.py")}
        paths = [f["path"] for f in data["findings"]]
        assert paths == sorted(paths, key=paths.index)  # grouped by file, files in the serial order


def test_text_output_is_grouped_by_file_in_the_order_files_are_listed(tmp_path, capsys, workers_for_small_folders):
    project = make_project(tmp_path / "p")
    code, out, _ = run_main(capsys, "check", str(project), "--jobs", "2")
    listed = [str(p) for p in cli.collect_files([str(project)])[0]]
    firsts = []
    for line in out.splitlines()[:-2]:
        path = line.split(":", 1)[0]
        if not firsts or firsts[-1] != path:
            firsts.append(path)
    assert len(firsts) == len(set(firsts))  # each file's lines together
    assert firsts == [p for p in listed if p in firsts]
    assert any(p.endswith("broken.py") for p in firsts) and any(p.endswith("latin.py") for p in firsts)


def test_a_rule_that_crashes_on_a_worker_is_reported_on_its_file_as_in_serial(tmp_path, workers_for_small_folders):
    project = make_project(tmp_path / "p")
    crashing = cli.Config(thresholds={**cli.Config().thresholds, "lr_max_adaptive": "not a number"})
    files = [project / "broken.py", project / "group_0" / "article2_high_lr.py", project / "nb.ipynb"]
    tasks = [(files[0], cli.Config(), False), (files[1], crashing, False), (files[2], cli.Config(), False)]
    results = list(cli.check_files(tasks, jobs=2))
    assert results == list(cli.check_files(tasks, jobs=1))
    internal = [e for e in results[1][1] if e.kind == "internal"]
    assert internal and "ValueError" in internal[0].message and internal[0].path == str(files[1])
    assert results[0][1][0].kind == "syntax" and results[2][0]  # the files around it checked as usual


def test_fix_with_jobs_2_leaves_the_same_files_as_jobs_1(tmp_path, capsys, workers_for_small_folders):
    one = make_project(tmp_path / "one")
    two = make_project(tmp_path / "two")
    code1, out1, _ = run_main(capsys, "check", "--fix", "--jobs", "1", str(one))
    code2, out2, _ = run_main(capsys, "check", "--fix", "--jobs", "2", str(two))
    assert code1 == code2 == 1
    assert out2 == out1.replace(str(one), str(two))
    fixed = [p.relative_to(one) for p in one.rglob("*") if p.is_file()]
    assert "Fixed " in out1
    changed = 0
    for rel in fixed:
        assert (two / rel).read_bytes() == (one / rel).read_bytes(), rel
        changed += (one / rel).read_bytes() != (FIXTURES / rel.name).read_bytes() if (FIXTURES / rel.name).exists() else 0
    assert changed  # fixes were written


def test_bad_jobs_values_are_usage_errors(capsys):
    for value in ("0", "-2", "many"):
        assert main(["check", str(FIXTURES), "--jobs", value]) == 2
        assert "--jobs" in capsys.readouterr().err


def test_small_folders_are_checked_in_process_and_big_ones_on_workers(tmp_path):
    small = [tmp_path / f"s{k}.py" for k in range(4)]
    for f in small:
        f.write_text("x = 1\n")
    assert cli._worker_count(8, small) == 1
    big = [tmp_path / f"b{k}.py" for k in range(5)]
    for f in big:
        f.write_text("x = 1\n" * (cli.BYTES_PER_WORKER // 6 + 1))
    assert cli._worker_count(8, big) == 5
    assert cli._worker_count(3, big) == 3
    assert cli._worker_count(1, big) == 1


# --------------------------------------------------------------------------- the pool itself
def square_or_die(x: int) -> int:
    if x == 3:
        os._exit(7)  # a worker killed in the middle of an item (a native crash, the OOM killer)
    if x == 5:
        raise ValueError("five")
    return x * x


def test_ordered_map_keeps_the_order_and_survives_a_worker_that_dies():
    lost = []

    def on_lost(item, exc):
        lost.append((item, type(exc).__name__))
        return -1

    out = list(parallel.ordered_map(square_or_die, range(12), 2, lost=on_lost, window=4))
    assert out == [0, 1, 4, -1, 16, -1, 36, 49, 64, 81, 100, 121]
    assert lost == [(3, "BrokenProcessPool"), (5, "ValueError")]


def test_ordered_map_reads_its_items_lazily_a_window_ahead():
    consumed = []

    def items():
        for k in range(100):
            consumed.append(k)
            yield k

    results = parallel.ordered_map(abs, items(), 2, lost=lambda item, exc: None, window=6)
    assert next(results) == 0
    assert len(consumed) <= 7
    assert list(results) == list(range(1, 100))


RUNNER = '''\
import os, sys
import learnability.cli as cli
import learnability.parallel as parallel

cli.BYTES_PER_WORKER = 1  # workers even for two small files
if os.environ.get("CONTROL") == "1":  # the negative control: start the workers in the user's folder
    parallel.neutral_directory = os.getcwd
if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
'''


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths in the planted module")
@pytest.mark.parametrize("control", [False, True])
def test_workers_never_import_from_the_users_folder(tmp_path, control):
    """A project folder holding `multiprocessing.py`: the command, run from there as users run it (the
    console script: its own folder first on sys.path, not the project), checks with worker processes that
    never import the planted module. The control starts the workers in the project folder, and the
    planted module is imported: the test sees the difference."""
    project = tmp_path / "project"
    marker = tmp_path / "imported"
    project.mkdir()
    (project / "multiprocessing.py").write_text(f"open({str(marker)!r}, 'w').write('planted')\n"
                                                "raise ImportError('planted module')\n")
    for k in range(2):
        (project / f"m{k}.py").write_text(conv_script('optimizer="adam", loss="mse"'))
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "run_learnability.py").write_text(RUNNER)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    env.update(PYTHONPATH=str(ROOT / "server"), CONTROL="1" if control else "0")
    proc = subprocess.run([sys.executable, str(tmp_path / "tool" / "run_learnability.py"), "check", "m0.py", "m1.py",
                           "--jobs", "2", "--format", "json"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=180)
    if control:
        assert marker.exists()
        return
    assert not marker.exists(), proc.stderr
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert [f["path"] for f in data["findings"] if f["rule"] == "LRN101"] == ["m0.py", "m1.py"]
    assert data["errors"] == []
