"""The learnability probe, end to end: the article's six programs through the CLI (a subprocess each), and
in-process runs (one warm worker shared) for a healthy CNN, tf.data input, the target hook, scripts that
crash, exit, hang or train in a custom loop, reproducibility, and cancellation.

The expectations on the article's programs are what was measured here (TF 2.21, CPU, seed 0); where the
measurement decides (the sigmoid example), the test checks that numbers are reported, not which way.

The Keras backend is the one the environment names (KERAS_BACKEND, else keras.json, else TensorFlow):
scripts/test.sh runs this file under TensorFlow and again under KERAS_BACKEND=jax, and
scripts/test-backends.sh under PyTorch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from learnability.probe import runner
from learnability.probe.backend import detect
from learnability.probe.runner import run_probe

BACKEND = detect(None)["name"]
pytest.importorskip(BACKEND, reason=f"the probe tests need Keras's {BACKEND} backend installed")

pytestmark = pytest.mark.probe

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SCRIPTS = Path(__file__).parent / "scripts"


ARTICLE = ["article1_sigmoid_scaled", "article1_fixed", "article2_high_lr", "article2_fixed",
           "article3_constant_inputs", "article3_fixed"]

# What the probe confirms of the article's diagnoses (the static findings it tests): the same on every backend.
CONFIRMED = {"article1_sigmoid_scaled": {"LRN101": True, "LRN501": True}, "article1_fixed": {"LRN602": True},
             "article2_high_lr": {"LRN301": True}, "article2_fixed": {"LRN602": True},
             "article3_constant_inputs": {"LRN601": True}, "article3_fixed": {"LRN602": True}}
# Verdicts, the same on every backend ...
VERDICT = {"article1_fixed": "learns", "article2_high_lr": "does_not_learn", "article3_constant_inputs": "does_not_learn",
           "article3_fixed": "learns"}
# ... except on two programs whose verdict turns on the initial weights, which each backend draws with its own
# random generator: does the sigmoid network leave its saturated start within 40 steps, does the relu network
# memorise 150 random labels within 40 steps. Seed 0 as measured; on TensorFlow itself seed 2 gives "learns"
# for article2_fixed, and on JAX seed 2 "does_not_learn". From the same initial weights every backend measures
# the same numbers (test_backend_trainer.py).
# Does article2's network (conv + dense relu) fit one batch with Adam at 1e-3 from the backend's initial weights
# (seed 0)? From PyTorch's it dies at 1e-3 too (the loss settles at 0.693); the range test finds a rate that fits.
FITS_AT_1E3 = {"tensorflow": True, "jax": True, "torch": False}
SEED0_VERDICT = {"article1_sigmoid_scaled": {"tensorflow": {"learns", "learns_slowly"}, "jax": {"does_not_learn"},
                                             "torch": {"does_not_learn"}},
                 "article2_fixed": {"tensorflow": {"does_not_learn"}, "jax": {"learns"}, "torch": {"does_not_learn"}}}


def _cli_start(path: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    # --budget 60: the step budget decides, never the clock, even on a loaded machine (--timeout 600: six
    # probes at once on two cores; PyTorch's eager steps take longest)
    return subprocess.Popen([sys.executable, "-m", "learnability", "probe", str(path), "--format", "json",
                             "--budget", "60", "--timeout", "600", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=str(ROOT))


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    """The six article programs probed through the CLI, each in its own process, all started at once."""
    plots = tmp_path_factory.mktemp("plots")
    procs = {name: _cli_start(FIXTURES / f"{name}.py", *(["--plots", str(plots)] if name == "article2_high_lr" else []))
             for name in ARTICLE}
    results: dict[str, tuple[int, dict]] = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=400)
        assert out.strip(), err[-2000:]
        results[name] = (proc.returncode, json.loads(out))
    return results


def _finding(report: dict, rule: str) -> dict | None:
    return next((f for f in report["findings"] if f["rule"] == rule), None)


def _rules(report: dict) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def _check_contract(report: dict) -> None:
    for key in ("version", "file", "verdict", "device", "summary", "metrics", "layers", "findings", "curves", "timing"):
        assert key in report, key
    assert report["version"] == 1
    assert report["verdict"] in ("learns", "learns_slowly", "does_not_learn", "inconclusive", "error")
    for f in report["findings"]:
        for key in ("rule", "category", "severity", "path", "line", "column", "end_line", "end_column", "message",
                    "fixable", "evidence", "confirmed", "confirms", "before", "after"):
            assert key in f, (key, f)
        assert f["confirmed"] in (True, False, None)
        assert f["line"] >= 1 and f["column"] >= 1
    for layer in report["layers"]:
        assert set(layer) >= {"name", "kind", "line", "grad_norm", "saturation", "dead_fraction", "update_ratio"}


# ----------------------------------------------------------------------------- the article, through the CLI


def test_article2_high_lr_does_not_learn_and_lower_rate_confirmed(article):
    rc, r = article["article2_high_lr"]
    _check_contract(r)
    assert r["verdict"] == "does_not_learn", r["summary"]
    assert rc == 1
    lr = _finding(r, "LRN301")
    assert lr["confirmed"] is True, lr["evidence"]
    assert lr["before"]["fitted"] is False
    assert "as_written" in r["curves"] and "LRN301" in r["curves"]
    assert _finding(r, "PRB001") is not None
    if FITS_AT_1E3[BACKEND]:
        assert lr["after"]["fitted"] is True
        assert r["metrics"]["learning_rate_that_works"] == pytest.approx(1e-3)
    else:  # 1e-3 stalls too (it learns the slice faster: confirmed, necessary); the range test finds a rate
        # that fits the batch, still under LRN301's ceiling of 1e-2
        assert lr["after"]["train_accuracy"] > lr["before"]["train_accuracy"]
        assert _finding(r, "PRB007")["confirmed"] is True and r["metrics"]["learning_rate_that_works"] < 1e-2
    assert r["device"].startswith(("CPU", "GPU"))
    be = r["metrics"]["backend"]  # which backend trained, its version, why that one, and the device it saw
    assert be["name"] == BACKEND and be["version"] and be["keras"].startswith("3.")
    assert be["device"]["text"] == r["device"] and be["source"]
    assert Path(r["plots"]["loss"]).is_file() and Path(r["plots"]["gradients"]).is_file()


def test_article2_fixed_fits_but_its_random_labels_cannot_be_learned(article):
    # the article's fix (Adam at 1e-3) trains: it fits a batch, nothing explodes. But its labels are
    # np.random.randint, independent of the inputs: the held-out slice stays at chance, with the labels named
    # as the cause. On TensorFlow (seed 0) the training slice stays within noise of chance too, so the verdict
    # is "does not learn"; with JAX's initial weights it memorises the slice (see SEED0_VERDICT)
    rc, r = article["article2_fixed"]
    _check_contract(r)
    assert r["metrics"]["fit_one_batch"]["fitted"] is FITS_AT_1E3[BACKEND]
    assert "PRB005" not in _rules(r)
    assert r["metrics"]["held_out"]["above_chance"] is False
    assert _finding(r, "PRB004")["confirmed"] is True
    assert r["verdict"] in SEED0_VERDICT["article2_fixed"][BACKEND], r["summary"]
    if r["verdict"] == "does_not_learn":
        assert rc == 1 and "memorise" in r["summary"]
    if BACKEND == "tensorflow":
        assert "PRB003" not in _rules(r)  # nothing dies (with TensorFlow's initial weights)


def test_article3_constant_inputs_does_not_learn_inputs_identical(article):
    _, r = article["article3_constant_inputs"]
    _check_contract(r)
    assert r["verdict"] == "does_not_learn", r["summary"]
    assert _finding(r, "PRB006") is not None
    assert _finding(r, "LRN601")["confirmed"] is True
    assert r["metrics"]["inputs"]["identical_samples"] is True


def test_article3_fixed_random_labels_not_predictable(article):
    _, r = article["article3_fixed"]
    _check_contract(r)
    assert r["metrics"]["fit_one_batch"]["fitted"] is True  # it can memorise
    prb4 = _finding(r, "PRB004")
    assert prb4 is not None, r["summary"]
    held = r["metrics"]["held_out"]
    assert held["above_chance"] is False
    assert "LRN602" in prb4["confirms"]
    assert "not predictable" in r["summary"]


def test_article1_sigmoid_measured_both_ways(article):
    _, r = article["article1_sigmoid_scaled"]
    _check_contract(r)
    # on TensorFlow it learns (maybe slowly): the article's 50-epoch runs reach 1.0; a slow learner is not a dead
    # one. With JAX's and PyTorch's initial weights it stays collapsed on one class for the probe's 40 steps
    assert r["verdict"] in SEED0_VERDICT["article1_sigmoid_scaled"][BACKEND], r["summary"]
    for rule in ("LRN101", "LRN501"):
        f = _finding(r, rule)
        assert f["confirmed"] in (True, False)  # decided by the counterfactual, whichever way it went
        assert f["before"] and f["after"], f
        # measured against the program as written, or (necessary: leave-one-out) against all other fixes
        assert "as written" in f["evidence"] or "without it (all other fixes)" in f["evidence"], f["evidence"]
        assert rule in r["curves"]
    assert "ALL" in r["curves"]
    sat = [l for l in r["layers"] if l["kind"] == "Conv2D"]
    assert sat and sat[0]["saturation"] is not None


def test_article1_fixed_learns(article):
    _, r = article["article1_fixed"]
    _check_contract(r)
    assert r["verdict"] == "learns", r["summary"]


def test_article_verdicts_and_confirmations_are_the_same_on_every_backend(article):
    """Run under each backend (scripts/test.sh: TensorFlow, then KERAS_BACKEND=jax; test-backends.sh: torch),
    the same table holds: every static diagnosis the probe tests is confirmed (or not) alike, and the verdicts
    agree except where the initial weights decide (SEED0_VERDICT)."""
    for name in ARTICLE:
        _, r = article[name]
        tested = {f["rule"]: f["confirmed"] for f in r["findings"] if f["rule"].startswith("LRN") and f["confirmed"] is not None}
        assert {rule: tested.get(rule) for rule in CONFIRMED[name]} == CONFIRMED[name], (name, tested)
        # and nothing refuted anywhere (on TensorFlow, where the sigmoid network learns, its random labels,
        # LRN602, are measured too: confirmed; where it stays on one class they are not tested)
        assert all(v is True for v in tested.values()), (name, tested)
        assert r["verdict"] == VERDICT.get(name) or r["verdict"] in SEED0_VERDICT[name][BACKEND], (name, r["summary"])


# ----------------------------------------------------------------------------- in process, one warm worker


@pytest.fixture(scope="module")
def probe():
    def run(name: str, **kw) -> dict:
        path = SCRIPTS / name if (SCRIPTS / name).exists() else FIXTURES / name
        kw.setdefault("budget_s", 60)
        report = run_probe(str(path), **kw)
        _check_contract(report)
        return report

    yield run


def test_healthy_cnn_learns(probe):
    seen: list[tuple[float, str]] = []
    r = probe("healthy_cnn.py", on_progress=lambda frac, msg: seen.append((frac, msg)))
    assert r["verdict"] == "learns", r["summary"]
    fracs = [f for f, _ in seen]
    assert fracs and fracs[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in fracs)
    held = r["metrics"]["held_out"]
    assert held["held_from"] == "validation_split"
    assert held["above_chance"] is True
    assert not [f for f in r["findings"] if f["severity"] == "error"]
    assert [l["line"] for l in r["layers"]][:2] == [15, 16]  # layers mapped to their source lines


def test_relu_remedy_for_saturated_layers(probe):
    r = probe("saturated_via_variable.py")
    prb8 = _finding(r, "PRB008")
    assert prb8 is not None
    assert "PRB008" in r["curves"]  # the worker retrained with relu in the saturated layers
    assert prb8["confirmed"] in (True, False) and prb8["before"] and prb8["after"]


def test_tf_data_pipeline(probe):
    r = probe("dataset_input.py")
    assert r["metrics"]["data_source"] == "tf.data"
    assert r["metrics"]["held_out"]["held_from"] == "validation_data"
    assert r["metrics"]["task"] == "sparse" and r["metrics"]["classes"] == 3
    assert r["verdict"] in ("learns", "learns_slowly")


def test_crash_is_an_error_finding_on_its_line(probe):
    r = probe("crash_missing_file.py")
    assert r["verdict"] == "error"
    f = _finding(r, "PRB090")
    assert f["line"] == 5 and "FileNotFoundError" in f["message"]
    assert "Traceback" not in json.dumps(r)


def test_sys_exit(probe):
    r = probe("calls_exit.py")
    assert r["verdict"] == "error"
    f = _finding(r, "PRB090")
    assert f["line"] == 8 and "sys.exit" in f["message"]


def test_keras2_argument(probe):
    r = probe("keras2_argument.py")
    f = _finding(r, "PRB090")
    assert r["verdict"] == "error" and f["line"] == 9 and "nb_epoch" in f["message"]
    for static in (x for x in r["findings"] if x["category"] == "api" and x["line"] == 9 and x["rule"] != "PRB090"):
        assert static["confirmed"] is True and static["rule"] in f["confirms"]  # the crash confirms it


def test_keras2_argument_offers_a_ported_copy_which_trains(probe):
    from learnability.probe.port import probe_ported

    path = SCRIPTS / "keras2_argument.py"
    before = path.read_text(encoding="utf-8")
    r = probe("keras2_argument.py")
    assert r["port"]["rules"] == ["LRN001"] and f"learnability probe --ported {path}" in r["summary"]
    ported = probe_ported(run_probe, str(path), budget_s=60)
    _check_contract(ported)
    copy = Path(ported["ported"]["copy"])
    try:
        assert ported["verdict"] in ("learns", "learns_slowly", "does_not_learn"), ported["summary"]
        assert ported["metrics"]["fit_one_batch"]["steps"] > 0  # the ported copy reached fit and trained
        assert "epochs=3" in copy.read_text(encoding="utf-8") and ported["file"] == str(copy)
        assert path.read_text(encoding="utf-8") == before  # the script itself is never written
    finally:
        copy.unlink()
        copy.parent.rmdir()


def test_custom_loop_says_how_to_probe_it(probe):
    r = probe("custom_loop.py")
    assert r["verdict"] == "inconclusive"
    f = _finding(r, "PRB091")
    assert "learnability.probe.target" in f["message"] and f["line"] == 14


def test_train_on_batch_says_how_to_probe_it(probe):
    r = probe("train_on_batch.py")
    assert r["verdict"] == "inconclusive"
    f = _finding(r, "PRB091")
    assert "train_on_batch" in f["message"] and f["line"] == 10


def test_target_hook(probe):
    r = probe("custom_loop_target.py")
    # with JAX's initial weights it gets 89% of the training slice in 40 steps, still rising: "learns slowly"
    assert r["verdict"] == "learns" if BACKEND == "tensorflow" else r["verdict"] in ("learns", "learns_slowly"), \
        r["summary"]


def test_reproducible(probe):
    a = probe("article2_high_lr.py")
    b = probe("article2_high_lr.py")
    assert a["timing"]["warm"] is True and b["timing"]["warm"] is True
    assert a["verdict"] == b["verdict"]
    assert a["metrics"]["fit_one_batch"]["steps"] == b["metrics"]["fit_one_batch"]["steps"]
    assert a["curves"]["LRN301"][:5] == pytest.approx(b["curves"]["LRN301"][:5], rel=1e-3)


def test_unsaved_source_is_probed(probe):
    text = (FIXTURES / "article2_high_lr.py").read_text().replace("learning_rate=0.1", "learning_rate=0.001")
    r = run_probe(str(FIXTURES / "article2_high_lr.py"), source=text)
    # the buffer's rate (1e-3) was trained, not the file's (0.1, which never fits the batch)
    assert r["metrics"]["learning_rate"] == pytest.approx(1e-3)
    assert r["metrics"]["fit_one_batch"]["fitted"] is FITS_AT_1E3[BACKEND]
    assert _finding(r, "LRN301") is None


def test_the_editors_thresholds_reach_the_probe(probe):
    """The probe tests what the linter shows: with the editor's lr_max_adaptive above the script's rate
    (Adam at 0.1), no LRN301 is tested or reported, and the report says which thresholds it used."""
    from learnability.config import Config

    config = Config().merged({"thresholds": {"lr_max_adaptive": 0.5}})
    r = probe("article2_high_lr.py", config=config, editor_thresholds={"lr_max_adaptive"})
    assert _finding(r, "LRN301") is None
    assert "LRN301" not in r["curves"]
    assert r["rule_thresholds"]["lr_max_adaptive"] == {"value": 0.5, "from": "editor settings"}
    assert r["rule_thresholds"]["input_max_abs"] == {"value": 10.0, "from": "default"}
    # without the editor's config the file's own settings (none here: the defaults) apply, and LRN301 is back
    assert _finding(probe("article2_high_lr.py"), "LRN301") is not None


def test_notebook(probe, tmp_path):
    cells = [(FIXTURES / "article3_constant_inputs.py").read_text().split("model = keras.Sequential")[0],
             "model = keras.Sequential" + (FIXTURES / "article3_constant_inputs.py").read_text().split(
                 "model = keras.Sequential")[1]]
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Constant inputs"}]
          + [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None} for c in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "constant.ipynb"
    path.write_text(json.dumps(nb))
    r = run_probe(str(path), budget_s=60)
    assert r["verdict"] == "does_not_learn", r["summary"]
    assert _finding(r, "PRB006") is not None
    # lines count in their cells, numbered as the notebook shows them (the markdown cell is cell 1)
    placed = [x for x in r["findings"] + r["layers"] if x.get("line")]
    assert placed
    for x in placed:
        assert x["cell"] in (2, 3) and 1 <= x["line"] <= len(cells[x["cell"] - 2].splitlines()), x
    fit = next(i for i, t in enumerate(cells[1].splitlines(), 1) if ".fit(" in t)
    assert any(x["cell"] == 3 and x["line"] == fit for x in r["findings"])


def test_interpreter_without_tensorflow(tmp_path):
    venv = tmp_path / "bare-venv"  # a fresh venv: an interpreter that certainly has no TensorFlow
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    assert subprocess.run([python, "-c", "import tensorflow"], capture_output=True).returncode != 0
    r = run_probe(str(FIXTURES / "article2_fixed.py"), python=python, timeout_s=30)
    assert r["verdict"] == "error"
    name = {"tensorflow": "TensorFlow", "jax": "'jax' backend", "torch": "'torch' backend"}[BACKEND]
    assert name in r["summary"] and _finding(r, "PRB093") is not None


def _group_alive(pgid: int) -> list[int]:
    """PIDs of live processes in process group `pgid` (from /proc; zombies count as gone)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(entry))
    return out


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_hang_times_out_and_leaves_nothing(probe):
    pids_before = runner.worker_pids()
    t = time.monotonic()
    r = probe("hangs.py", timeout_s=6)
    took = time.monotonic() - t
    assert r["verdict"] == "error"
    f = _finding(r, "PRB092")
    assert f is not None and f["line"] == 8, f
    assert took < 6 + 4
    for pid in pids_before:
        assert _gone(pid) and not _group_alive(pid)


def test_cancel_kills_within_a_second():
    cancel = threading.Event()
    box: dict = {}

    def work() -> None:
        box["report"] = run_probe(str(SCRIPTS / "hangs.py"), cancel=cancel, timeout_s=60)

    th = threading.Thread(target=work)
    th.start()
    deadline = time.monotonic() + 30
    pids: list[int] = []
    while time.monotonic() < deadline and not pids:
        pids = runner.worker_pids()
        time.sleep(0.05)
    assert pids, "no worker started"
    time.sleep(1.0)
    t = time.monotonic()
    cancel.set()
    th.join(5)
    assert not th.is_alive()
    assert time.monotonic() - t < 1.5
    assert box["report"]["summary"] == "cancelled"
    for pid in pids:
        assert _gone(pid) and not _group_alive(pid), pid
