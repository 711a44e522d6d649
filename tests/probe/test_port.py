"""The ported copy (probe/port.py): a Keras 2 script's safe Keras 3 fixes applied to a temporary copy, probed under
the script's own path; the report of a script that fails on such a line offers it. No TensorFlow here: the
report is built from a worker's run record, and the probe is a stand-in that records what it was given."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from learnability.engine import Analyzer
from learnability.probe import port, report

KERAS2 = '''import numpy as np
from tensorflow import keras

X = np.random.rand(64, 4)
y = (X[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="binary_crossentropy")
model.fit(X, y, nb_epoch=3)
'''


def _findings(source: str, path: str = "train.py"):
    return Analyzer().analyze(source, path).findings


def test_the_safe_keras3_fixes_are_applied_to_the_copy_only():
    copy = port.port(KERAS2, _findings(KERAS2))
    assert copy is not None
    assert "Adam(learning_rate=0.01)" in copy.text and "model.fit(X, y, epochs=3)" in copy.text
    assert "lr=" in KERAS2 and "nb_epoch" in KERAS2  # the original text is untouched
    assert {f["rule"] for f in copy.fixes} == {"LRN001"} and sorted(f["line"] for f in copy.fixes) == [7, 8]
    compile(copy.text, "copy.py", "exec")
    # the ported copy has nothing left to port
    assert port.port(copy.text, _findings(copy.text)) is None
    assert copy.original_line(8) == 8  # edits in place keep every line where it was


def test_nothing_to_port_without_a_keras2_api():
    clean = KERAS2.replace("lr=", "learning_rate=").replace("nb_epoch", "epochs")
    assert port.port(clean, _findings(clean)) is None


def test_lines_of_the_copy_map_back_to_the_script():
    original = "a = 1\nb = 2\nc = 3\n"
    copy = "import x\na = 1\nb = 22\nextra()\nc = 3\n"
    blocks = port.line_blocks(original, copy)
    assert [port.original_line(blocks, n) for n in range(1, 6)] == [1, 1, 2, 2, 3]
    assert port.original_line([], 7) == 7


def test_the_copy_goes_to_a_temporary_folder_never_next_to_the_script(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(KERAS2, encoding="utf-8")
    target = port.write_copy(str(script), "print('ported')\n")
    try:
        assert Path(target).read_text(encoding="utf-8") == "print('ported')\n"
        assert Path(target).name == "train.ported.py"
        assert Path(target).parent != tmp_path and str(Path(target)).startswith(tempfile.gettempdir())
        assert sorted(os.listdir(Path(target).parent)) == ["train.ported.py"]  # no temporary file left
        assert script.read_text(encoding="utf-8") == KERAS2 and sorted(os.listdir(tmp_path)) == ["train.py"]
    finally:
        os.unlink(target)
        os.rmdir(Path(target).parent)


def _failed_run(line: int, library: str | None, exc_type: str = "ValueError",
                message: str = "Argument(s) not recognized: {'lr': 0.01}") -> dict:
    return {"key": "as_written", "status": "error", "exc_type": exc_type, "message": message, "line": line,
            "library": library, "traceback": []}


def _report(source: str, run: dict, path: str = "/work/train.py") -> dict:
    return report.build_report(path=path, source=source, static=_findings(source, path), runs=[run], ready=None,
                               status="ok", message="", fatal=None, internal=None, timing={}, timeout=60.0,
                               options={}, counterfactuals=[])


def test_a_failure_a_keras3_fix_explains_offers_the_ported_probe():
    r = _report(KERAS2, _failed_run(7, "keras"))
    assert r["verdict"] == "error"
    offer = r["port"]
    assert offer["rules"] == ["LRN001"] and offer["command"] == "learnability probe --ported /work/train.py"
    assert offer["lsp_command"] == "learnability.runProbe" and offer["lsp_arguments"] == [{"ported": True}]
    assert "learnability probe --ported /work/train.py" in r["summary"] and "LRN001 explains it" in r["summary"]
    prb = next(f for f in r["findings"] if f["rule"] == "PRB090")
    assert prb["data"]["port"] == offer and prb["confirms"] == ["LRN001"]
    lrn001 = next(f for f in r["findings"] if f["rule"] == "LRN001" and f["line"] == 7)
    assert lrn001["confirmed"] is True


def test_an_error_another_library_raised_is_not_put_on_keras():
    # OneHotEncoder(sparse=False) on a line that also has a Keras 2 argument: scikit-learn raised, no Keras fix explains it
    source = KERAS2.replace('loss="binary_crossentropy")', 'loss="binary_crossentropy"); OneHotEncoder(sparse=False)')
    r = _report(source, _failed_run(7, "sklearn", "TypeError",
                                    "OneHotEncoder.__init__() got an unexpected keyword argument 'sparse'"))
    assert "port" not in r and "--ported" not in r["summary"]
    assert "installed sklearn does not accept" in r["summary"] and "Keras 3" not in r["summary"]
    assert all(f["confirmed"] is None for f in r["findings"] if f["rule"] == "LRN001")
    assert next(f for f in r["findings"] if f["rule"] == "PRB090")["confirms"] == []


def test_a_failure_on_a_line_without_a_keras2_fix_offers_nothing():
    r = _report(KERAS2, _failed_run(4, None, "FileNotFoundError", "data.csv"))
    assert "port" not in r and "--ported" not in r["summary"]


def test_probe_ported_runs_the_copy_under_the_scripts_own_path(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(KERAS2, encoding="utf-8")
    seen: dict = {}

    def fake_run_probe(path, *, source=None, **kw):
        seen.update(path=path, source=source, kw=kw)
        return {"version": 1, "file": path, "verdict": "learns", "summary": "fits the batch in 12 steps",
                "findings": [{"rule": "PRB001", "path": path, "line": 8}]}

    r = port.probe_ported(fake_run_probe, str(script), budget_s=5)
    try:
        assert seen["path"] == str(script) and seen["kw"] == {"budget_s": 5}  # the script's own path: its folder
        assert "epochs=3" in seen["source"] and "nb_epoch" not in seen["source"]
        copy = r["ported"]["copy"]
        assert r["file"] == copy and Path(copy).read_text(encoding="utf-8") == seen["source"]
        assert r["findings"][0]["path"] == copy
        assert r["ported"]["from"] == str(script) and {f["rule"] for f in r["ported"]["fixes"]} == {"LRN001"}
        assert r["summary"].startswith("ported copy (2 Keras 3 fixes applied to ") and "unchanged" in r["summary"]
        assert r["summary"].endswith("fits the batch in 12 steps")
        assert script.read_text(encoding="utf-8") == KERAS2  # the user's file is never written
    finally:
        os.unlink(r["ported"]["copy"])
        os.rmdir(Path(r["ported"]["copy"]).parent)


def test_probe_ported_says_when_there_is_nothing_to_port(tmp_path):
    script = tmp_path / "clean.py"
    script.write_text(KERAS2.replace("lr=", "learning_rate=").replace("nb_epoch", "epochs"), encoding="utf-8")
    called = []
    r = port.probe_ported(lambda *a, **k: called.append(a), str(script))
    assert not called and r["verdict"] == "inconclusive" and "nothing to port" in r["summary"]


def test_the_cli_has_the_ported_flag():
    from learnability.cli import build_parser

    args = build_parser().parse_args(["probe", "--ported", "train.py"])
    assert isinstance(args, argparse.Namespace) and args.ported is True and args.file == "train.py"
    assert build_parser().parse_args(["probe", "train.py"]).ported is False
