"""A real third-party LSP client: headless Neovim 0.7 (Debian's) drives `learnability serve`.

It asserts the diagnostics Neovim receives for the article's first example and that a quick fix
Neovim requests (with the diagnostic built by hand, as 0.7 does) edits its buffer, after which the
server re-lints the edited buffer. CI installs Neovim through scripts/test.sh."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py"
SCRIPT = Path(__file__).with_name("neovim_lsp.lua")

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(shutil.which("nvim") is None,
                       reason="Neovim is not installed (apt-get install -y neovim; scripts/test.sh installs it)"),
]


def test_neovim_receives_diagnostics_and_applies_a_quick_fix(tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    target = work / "train.py"
    shutil.copy(FIXTURE, target)
    out = tmp_path / "result.json"
    env = dict(os.environ, LEARNABILITY_PYTHON=sys.executable, LEARNABILITY_OUT=str(out),
               PYTHONPATH=os.pathsep.join([str(ROOT / "server"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(["nvim", "--headless", "--clean", "-c", f"luafile {SCRIPT}", str(target)],
                          cwd=work, env=env, capture_output=True, text=True, timeout=180)
    assert out.exists(), f"neovim wrote no result (rc={proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(out.read_text())
    assert "failure" not in result, result
    assert result["got_diagnostics"]

    got = sorted((d["code"], d["lnum"] + 1) for d in result["diagnostics"])
    assert ("LRN101", 10) in got and ("LRN101", 12) in got and ("LRN501", 17) in got
    conv = next(d for d in result["diagnostics"] if d["code"] == "LRN101" and d["lnum"] == 9)
    assert (conv["col"], conv["end_col"]) == (41, 50)
    assert conv["source"] == "learnability"
    assert conv["severity"] == 2  # vim.diagnostic.severity.WARN

    assert result["action_is_preferred"] is True
    assert any(t.startswith("Suppress LRN101") for t in result["action_titles"])
    original = FIXTURE.read_text().split("\n")[9]
    assert result["fixed_line"] == original.replace('"sigmoid"', '"relu"')
    assert result["relinted"], result["after"]
    assert {"lnum": 11, "code": "LRN101"} in result["after"]  # the other convolution is still flagged
    assert "LRN" in (result.get("hover") or "")
    assert target.read_text() == FIXTURE.read_text()  # the buffer was edited, not the file
