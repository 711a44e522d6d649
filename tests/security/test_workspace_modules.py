"""A hostile workspace: modules named like the standard library (or like the server's own libraries) in the
opened folder must never be imported by the language server or its analysis worker, and must not stop the
diagnostics. Each module writes a marker file when imported; the server is started in the workspace, as
an editor starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lsp"))
from conftest import conv_script  # noqa: E402
from lsp_helpers import ROOT, open_doc, session, wait_diagnostics  # noqa: E402

from learnability.lsp.worker import child_command  # noqa: E402

SHADOWS = ("struct", "typing", "pickle", "threading", "libcst", "pygls", "traceback", "sitecustomize",
           "usercustomize")
SCRIPT = conv_script('optimizer="adam", loss="sparse_categorical_crossentropy"')  # LRN101: sigmoid in a Conv2D


def hostile_workspace(tmp_path: Path) -> tuple[Path, Path]:
    ws = tmp_path / "workspace"
    ws.mkdir()
    markers = tmp_path / "markers"
    markers.mkdir()
    for name in SHADOWS:
        (ws / f"{name}.py").write_text(f"open({str(markers / name)!r}, 'w').write('imported')\n"
                                       "raise SystemExit(7)\n")
    (ws / "train.py").write_text(SCRIPT)
    return ws, markers


def imported(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())


@pytest.mark.parametrize("launch", ["module", "extension-launcher"])
async def test_workspace_modules_are_never_imported_and_diagnostics_still_arrive(tmp_path, launch):
    ws, markers = hostile_workspace(tmp_path)
    env = {"PYTHONSTARTUP": str(ws / "typing.py")}
    command = None  # `python -m learnability serve`, which puts the working folder first on sys.path
    if launch == "extension-launcher":
        # as extension/src/extension.ts starts it: `python -E <bundled/tool/server.py>`. A PYTHONPATH with an
        # empty entry (`export PYTHONPATH=$PYTHONPATH:/x` with nothing before) would put the working folder on
        # sys.path before the standard library, even for a script: -E ignores it.
        command = [sys.executable, "-E", str(ROOT / "bundled" / "tool" / "server.py")]
        env["PYTHONPATH"] = os.pathsep + str(ws)
    async with session(cwd=ws, root=ws, command=command, env=env) as (client, rec):
        uri = (ws / "train.py").as_uri()
        open_doc(client, uri, SCRIPT)
        diags = await wait_diagnostics(client, rec, uri, timeout=60)
        assert any(str(d.code) == "LRN101" for d in diags), [str(d.code) for d in diags]
    assert imported(markers) == []


def test_the_worker_command_is_isolated_and_still_finds_learnability(tmp_path):
    """The worker's own command, run in the hostile folder with PYTHONPATH pointing there: it imports
    learnability (from the parent's path, given explicitly) and nothing of the folder."""
    ws, markers = hostile_workspace(tmp_path)
    cmd = child_command()
    assert cmd[1] == "-I"
    code = cmd[3].replace("from learnability.lsp.worker import child_main; child_main()",
                          "import learnability.engine, typing, struct, pickle; print(typing.__file__)")
    env = dict(os.environ, PYTHONPATH=f"{ws}{os.pathsep}", PYTHONSTARTUP=str(ws / "typing.py"))
    proc = subprocess.run([cmd[0], "-I", "-c", code], cwd=ws, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert not proc.stdout.strip().startswith(str(ws))
    assert imported(markers) == []


def test_the_worker_path_leaves_out_the_working_folder_and_relative_entries(tmp_path, monkeypatch):
    import learnability
    from learnability.lsp.worker import child_path

    ws = tmp_path / "workspace"
    ws.mkdir()
    monkeypatch.chdir(ws)
    monkeypatch.setattr(sys, "path", ["", ".", "src", str(ws), "/opt/lib", "/opt/lib"])
    package_parent = str(Path(learnability.__file__).resolve().parents[1])
    assert child_path() == ["/opt/lib", package_parent]


def test_the_worker_imports_the_same_learnability_as_the_server_bundled_or_not(tmp_path):
    """The extension's server finds `learnability` in its bundled/libs folder, put on sys.path by the launcher
    (not through PYTHONPATH, which -I would ignore): the isolated worker must import that same copy."""
    import shutil

    bundle = tmp_path / "bundled" / "libs" / "common"
    shutil.copytree(ROOT / "server" / "learnability", bundle / "learnability",
                    ignore=shutil.ignore_patterns("__pycache__"))
    parent = (f"import sys; sys.path.insert(0, {str(bundle)!r}); import subprocess, learnability.lsp.worker as w; "
              "cmd = w.child_command(); assert cmd[1] == '-I'; "
              "cmd[3] = cmd[3].replace('from learnability.lsp.worker import child_main; child_main()', "
              "'import learnability.engine; print(learnability.engine.__file__)'); "
              "print(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip())")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-I", "-c", parent], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(bundle / "learnability" / "engine.py")
