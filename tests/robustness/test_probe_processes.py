"""The probe against scripts that fight back, end to end with TensorFlow: a detached process holding
stderr, children that ignore SIGTERM, the CLI killed with SIGKILL or SIGTERM, a timeout, os._exit, a
script that kills its own process. The probe must return, report clearly, and leave nothing running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("tensorflow", reason="the probe tests need TensorFlow (pip install tensorflow-cpu)")

from proc_tools import STUBBORN, alive, kill_all, read_pids, wait_gone  # noqa: E402

from learnability.probe import runner  # noqa: E402
from learnability.probe.runner import run_probe  # noqa: E402

pytestmark = [pytest.mark.probe,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process trees through /proc")]

ROOT = Path(__file__).resolve().parents[2]

FIT = """
X = np.random.rand(64, 4)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, (X[:, 0] > 0.5).astype("float32"), epochs=3)
"""


def script(tmp_path: Path, name: str, body: str, fit: bool = True) -> Path:
    path = tmp_path / name
    head = "import os, signal, subprocess, sys, time\nimport numpy as np\nfrom tensorflow import keras\n"
    path.write_text(head + textwrap.dedent(body) + (FIT if fit else ""))
    return path


def stubborn_children(pidfile: Path, then: str) -> str:
    """Script body: a child ignoring SIGTERM, another in its own session holding stderr; pids written."""
    return "\n".join([
        f"same = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}])",
        f"detached = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], start_new_session=True)",
        f"open({str(pidfile)!r}, 'w').write(f'{{os.getpid()}} {{same.pid}} {{detached.pid}}')",
        then, ""])


def cli(path: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.Popen([sys.executable, "-m", "learnability", "probe", str(path), "--format", "json",
                             "--budget", "60", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=str(ROOT))


def test_cli_returns_with_a_detached_process_holding_stderr(tmp_path):
    pidfile = tmp_path / "pids"
    path = script(tmp_path, "detached.py", stubborn_children(pidfile, "pass"))
    proc = cli(path, "--timeout", "120")
    try:
        out, err = proc.communicate(timeout=150)  # before the fix: never returned
        report = json.loads(out)
        assert report["verdict"] in ("learns", "learns_slowly", "does_not_learn"), report["summary"]
        assert wait_gone(read_pids(pidfile, 3, 1), 3) == []
    finally:
        proc.kill()
        kill_all(read_pids(pidfile, 3, 1) if pidfile.exists() else [])


def test_warm_worker_ends_what_each_probe_started(tmp_path):
    pidfile = tmp_path / "pids"
    path = script(tmp_path, "detached_warm.py", stubborn_children(pidfile, "pass"))
    try:
        r = run_probe(str(path), budget_s=60, timeout_s=120)
        assert r["verdict"] != "error", r["summary"]
        script_pid, *children = read_pids(pidfile, 3, 1)
        assert wait_gone(children, 3) == []
        # the worker itself (the script ran in it) is kept warm for the next probe
        assert script_pid in _harness_pids() and alive(script_pid)
        pidfile.unlink()
        r2 = run_probe(str(path), budget_s=60, timeout_s=120)
        assert r2["timing"]["warm"] is True and r2["verdict"] == r["verdict"]
        assert wait_gone(read_pids(pidfile, 3, 1)[1:], 3) == []
    finally:
        kill_all(read_pids(pidfile, 3, 1) if pidfile.exists() else [])


def _harness_pids() -> list[int]:
    from learnability.probe.guard import descendants

    return [p for w in runner.worker_pids() for p in descendants(w)]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_cli_killed_leaves_no_process_behind(tmp_path, sig):
    pidfile = tmp_path / "pids"
    path = script(tmp_path, "stubborn.py", stubborn_children(pidfile, "while True: time.sleep(0.2)"), fit=False)
    proc = cli(path, "--timeout", "300")
    pids: list[int] = []
    try:
        pids = read_pids(pidfile, 3, 120)
        assert all(alive(p) for p in pids)
        t = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=15)
        if sig == signal.SIGTERM:  # like Ctrl-C: a message and exit status 2, within seconds
            assert proc.returncode == 2 and "cancelled" in err, (proc.returncode, err[-500:])
            assert time.monotonic() - t < 6
        assert wait_gone(pids, 5) == [], "a process of the probed script survived"
    finally:
        proc.kill()
        kill_all(pids)


def test_timeout_holds_and_ends_every_child(tmp_path):
    pidfile = tmp_path / "pids"
    body = stubborn_children(pidfile, "signal.signal(signal.SIGUSR1, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.2)")
    path = script(tmp_path, "hang_children.py", body, fit=False)
    pids: list[int] = []
    try:
        t = time.monotonic()
        r = run_probe(str(path), timeout_s=25)
        assert time.monotonic() - t < 25 + 8
        pids = read_pids(pidfile, 3, 1)
        assert r["verdict"] == "error" and any(f["rule"] == "PRB092" for f in r["findings"]), r["summary"]
        assert wait_gone(pids, 3) == []
    finally:
        kill_all(pids)


def test_os_exit_gives_its_exit_code_and_line(tmp_path):
    path = script(tmp_path, "os_exit.py", """
        print("no GPU here, giving up", file=sys.stderr)
        os._exit(3)
    """)
    r = run_probe(str(path), timeout_s=120)
    assert r["verdict"] == "error"
    assert "os._exit(3)" in r["summary"] and "exit code 3" in r["summary"], r["summary"]
    (f,) = [f for f in r["findings"] if f["rule"] == "PRB090"]
    assert f["line"] == path.read_text().splitlines().index("os._exit(3)") + 1
    assert "oneDNN" not in r["summary"] and "absl" not in r["summary"]


def test_a_process_that_dies_gives_its_signal_and_last_meaningful_line(tmp_path):
    path = script(tmp_path, "self_kill.py", """
        import warnings
        warnings.warn("a library warning that is not the reason")
        print("fatal: the data loader crashed", file=sys.stderr)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    r = run_probe(str(path), timeout_s=120)
    assert r["verdict"] == "error"
    assert "SIGKILL" in r["summary"], r["summary"]
    assert r["summary"].endswith("its last output: fatal: the data loader crashed"), r["summary"]
