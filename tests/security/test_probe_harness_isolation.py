"""The probe runs the user's script on purpose; its own harness, though, must not import a module of the
workspace before that script starts (a workspace `typing.py` would otherwise run, or break TensorFlow's import,
in the harness). The harness is started from a folder of ours, so even a PYTHONPATH with an empty entry (the
working folder) does not reach the workspace; the script itself still runs in the workspace folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tensorflow", reason="the probe needs TensorFlow (pip install tensorflow-cpu)")

pytestmark = pytest.mark.probe

ROOT = Path(__file__).resolve().parents[2]


def test_the_harness_imports_nothing_of_the_workspace_and_the_script_runs_there(tmp_path):
    ws = tmp_path / "workspace"
    ws.mkdir()
    markers = tmp_path / "markers"
    markers.mkdir()
    for name in ("typing", "struct", "json", "inspect"):  # all imported by the harness or TensorFlow at start
        (ws / f"{name}.py").write_text(f"open({str(markers / name)!r}, 'w').write('imported')\nraise SystemExit(7)\n")
    shutil.copy(ROOT / "tests" / "probe" / "scripts" / "healthy_cnn.py", ws / "train.py")
    with open(ws / "train.py", "a") as f:  # the script runs in the workspace folder, as the editor's Run does
        f.write("import os\nassert os.getcwd() == " + repr(str(ws)) + ", os.getcwd()\n")
    # an empty PYTHONPATH entry means the working folder (the workspace, for a server an editor starts there)
    env = dict(os.environ, PYTHONPATH=os.pathsep + str(ROOT / "server"), TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run([sys.executable, "-m", "learnability", "probe", str(ws / "train.py"), "--format", "json",
                           "--budget", "60"], capture_output=True, text=True, cwd=ws, env=env, timeout=400)
    assert sorted(p.name for p in markers.iterdir()) == []
    report = json.loads(proc.stdout)
    assert report["verdict"] == "learns", (report["summary"], proc.stderr[-2000:])
