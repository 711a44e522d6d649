"""`learnability check DIR` on a folder prepared by someone else: it runs nothing of theirs (no git, whose
repository configuration can run a command), never hangs or reads without end (FIFOs, devices), and one
entry it cannot read (a symbolic link loop, an unreadable folder or file) is one error, never the end of
the run. The commands that could hang run in a child process with a timeout, so a regression fails
instead of hanging the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, conv_script

from learnability.cli import main

SIGMOID = conv_script('optimizer="adam", loss="sparse_categorical_crossentropy"')  # LRN101


def write(path: Path, text: str = SIGMOID) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_check(*args: str, cwd: Path | None = None) -> tuple[int, dict, str]:
    """`learnability check --format json` in a child process (a hang fails after 60 s)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    proc = subprocess.run([sys.executable, "-m", "learnability", "check", "--format", "json", *args],
                          capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def checked(data: dict, base: Path) -> list[str]:
    """The files that produced findings, relative to `base`."""
    return sorted({Path(f["path"]).resolve().relative_to(base.resolve()).as_posix() for f in data["findings"]})


def errors(data: dict) -> dict[str, str]:
    return {Path(e["path"]).name: e["message"] for e in data["errors"]}


# --------------------------------------------------------------------------- git
def test_a_hostile_git_config_runs_nothing_and_gitignore_still_applies(tmp_path):
    marker = tmp_path / "PWNED"
    repo = tmp_path / "download"
    write(repo / "train.py")
    write(repo / "generated" / "copy.py")
    write(repo / ".gitignore", "generated/\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    hook = f"touch {marker}; false"
    with open(repo / ".git" / "config", "a") as f:
        f.write(f'[core]\n\tfsmonitor = "{hook}"\n\thooksPath = hooks\n\tpager = "{hook}"\n'
                f'[diff]\n\texternal = "{hook}"\n[filter "x"]\n\tclean = "{hook}"\n\tsmudge = "{hook}"\n')
    write(repo / ".gitattributes", "* filter=x\n")
    write(repo / "hooks" / "post-index-change", f"#!/bin/sh\n{hook}\n")
    os.chmod(repo / "hooks" / "post-index-change", 0o755)
    # the attack works against git itself (so the test would see it if `check` ran git) ...
    subprocess.run(["git", "-C", str(repo), "ls-files", "--others", "--exclude-standard"], capture_output=True)
    assert marker.exists(), "this git does not run core.fsmonitor: the test would prove nothing"
    marker.unlink()
    # ... and `check` runs no git at all
    code, data, _ = run_check(str(repo))
    assert not marker.exists()
    assert checked(data, repo) == ["train.py"] and code == 1


def test_gitignore_semantics_without_git(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".git" / "info").mkdir(parents=True)  # a work tree: `.git` is all it takes
    write(repo / ".git" / "info" / "exclude", "local_*.py\n")
    write(repo / ".gitignore", "*.py\n!keep*.py\nout/\n")
    write(repo / "a.py")
    write(repo / "keep_a.py")
    write(repo / "local_x.py")
    write(repo / "out" / "keep_b.py")  # inside an ignored folder: a `!` cannot bring it back
    write(repo / "sub" / ".gitignore", "!*.py\nlocal_*.py\n")  # the deeper file wins
    write(repo / "sub" / "b.py")
    write(repo / "sub" / "local_y.py")
    main(["check", "--format", "json", str(repo)])
    data = json.loads(capsys.readouterr().out)
    assert checked(data, repo) == ["keep_a.py", "sub/b.py"]
    # a folder or a file named on the command line is checked even when ignored
    main(["check", "--format", "json", str(repo / "out")])
    assert checked(json.loads(capsys.readouterr().out), repo) == ["out/keep_b.py"]
    main(["check", "--format", "json", str(repo / "a.py")])
    assert checked(json.loads(capsys.readouterr().out), repo) == ["a.py"]
    # outside a git work tree .gitignore means nothing (as for git and ruff)
    plain = tmp_path / "plain"
    write(plain / ".gitignore", "*.py\n")
    write(plain / "c.py")
    main(["check", "--format", "json", str(plain)])
    assert checked(json.loads(capsys.readouterr().out), plain) == ["c.py"]


# --------------------------------------------------------------------------- special files
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this OS")
def test_a_fifo_named_py_is_an_error_and_never_a_hang(tmp_path):
    write(tmp_path / "ok.py")
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "pyproject.toml")  # the configuration is looked for next to every file
    code, data, _ = run_check(str(tmp_path))
    assert checked(data, tmp_path) == ["ok.py"] and code == 1
    assert errors(data) == {"pipe.py": "not checked: a named pipe (FIFO), not a regular file"}
    code, data, _ = run_check(str(tmp_path / "pipe.py"), str(tmp_path / "ok.py"))  # named explicitly
    assert checked(data, tmp_path) == ["ok.py"] and "FIFO" in errors(data)["pipe.py"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_link_to_dev_zero_is_an_error_and_never_read(tmp_path):
    write(tmp_path / "ok.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    for args in ([str(tmp_path)], [str(tmp_path / "zero.py"), str(tmp_path / "ok.py")]):
        code, data, _ = run_check(*args)
        assert checked(data, tmp_path) == ["ok.py"] and code == 1
        assert errors(data) == {"zero.py": "not checked: a character device, not a regular file"}


def test_symbolic_link_loops_are_errors_and_the_rest_is_checked(tmp_path):
    write(tmp_path / "ok.py")
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "ping.py").symlink_to("pong.py")
    (tmp_path / "pong.py").symlink_to("ping.py")
    (tmp_path / "dangling.py").symlink_to("missing.py")
    (tmp_path / "again").symlink_to(".")  # a folder loop: links to folders are not followed
    write(tmp_path / "sub" / "b.py")
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "linked.py").symlink_to("ok.py")  # a link to a regular file is checked (once)
    code, data, _ = run_check(str(tmp_path))
    assert checked(data, tmp_path) == ["ok.py", "sub/b.py"] and code == 1
    assert errors(data) == {"loop.py": "not checked: a symbolic link loop", "ping.py": "not checked: a symbolic link loop",
                            "pong.py": "not checked: a symbolic link loop",
                            "dangling.py": "not checked: a broken symbolic link"}
    code, data, _ = run_check(str(tmp_path / "loop.py"), str(tmp_path / "ok.py"))  # named explicitly
    assert checked(data, tmp_path) == ["ok.py"] and errors(data) == {"loop.py": "not checked: a symbolic link loop"}


def test_an_unreadable_folder_is_one_error_and_the_others_are_checked(tmp_path, capsys, monkeypatch):
    # The tests run as root, who can read a mode-000 folder: os.scandir is made to fail for one folder the
    # way it fails for a user without the permission (PermissionError, errno EACCES).
    write(tmp_path / "a.py")
    write(tmp_path / "locked" / "b.py")
    write(tmp_path / "open" / "c.py")
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code = main(["check", "--format", "json", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    assert checked(data, tmp_path) == ["a.py", "open/c.py"] and code == 1
    assert errors(data) == {"locked": "folder not checked: Permission denied"}


def test_an_unreadable_file_is_one_error_and_the_others_are_checked(tmp_path, capsys, monkeypatch):
    # as above: root reads a mode-000 file, so os.open fails for that one file as it would for a user
    write(tmp_path / "a.py")
    secret = write(tmp_path / "secret.py")
    real = os.open

    def fake_open(path, flags, *args, **kwargs):
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    code = main(["check", "--format", "json", str(tmp_path), str(secret)])
    data = json.loads(capsys.readouterr().out)
    assert checked(data, tmp_path) == ["a.py"] and code == 1
    assert errors(data) == {"secret.py": f"cannot read {secret}: Permission denied"}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX permissions")
def test_a_mode_000_folder_as_a_user_sees_it():
    """A real unreadable folder: the check runs in a forked child that, when the tests run as root (who reads
    mode-000 folders), first drops to the unprivileged user nobody (65534)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="learnability-perm-"))
    os.chmod(base, 0o755)
    write(base / "a.py")
    write(base / "locked" / "b.py")
    for p in (base / "a.py", base / "locked" / "b.py"):
        os.chmod(p, 0o644)
    os.chmod(base / "locked", 0)
    main(["check", "--jobs", "1", "--format", "json", str(base / "a.py")])  # import lazily loaded modules
    b"".decode("utf-8-sig")  # (codecs) first: the child, as nobody, cannot read /root's Python installation
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 3
        try:
            os.close(r)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            import contextlib
            import io

            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(["check", "--jobs", "1", "--format", "json", str(base)])
            os.write(w, json.dumps({"code": code, "out": out.getvalue()}).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    _, status = os.waitpid(pid, 0)
    os.chmod(base / "locked", 0o755)
    assert os.waitstatus_to_exitcode(status) == 0
    result = json.loads(b"".join(chunks))
    data = json.loads(result["out"])
    assert checked(data, base) == ["a.py"] and result["code"] == 1 and "locked" in errors(data), data
