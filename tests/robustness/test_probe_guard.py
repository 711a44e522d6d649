"""The probe's guardian (`probe/guard.py`) and the runner's `Worker` with real processes, no TensorFlow:
a stand-in harness starts what hostile training scripts start (a child that ignores SIGTERM, one in a
new session holding stderr, a double-forked daemon) and nothing may survive the guardian being told to
stop, its parent dying by SIGKILL, or the harness exiting; `Worker.kill()` never blocks."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from proc_tools import STUBBORN, alive, kill_all, read_pids, wait_gone

from learnability.probe import guard, runner
from learnability.probe import messages as msgs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process trees through /proc (Linux)")

GUARD = Path(guard.__file__)


def fake_harness(tmp_path: Path, then: str = "hang") -> tuple[Path, Path]:
    """A script that starts three stubborn processes, writes their pids (and its own), then hangs, or
    exits with code 7 (`then="exit"`). Returns (script, pid file)."""
    pidfile = tmp_path / "pids"
    daemon = textwrap.dedent(f"""
        import os, sys
        if os.fork():
            os._exit(0)
        os.setsid()
        open({str(pidfile) + '.tmp'!r}, "w").write(str(os.getpid()))
        os.rename({str(pidfile) + '.tmp'!r}, {str(pidfile) + '.daemon'!r})  # never seen half written
        exec({STUBBORN!r})
    """)
    script = tmp_path / "fake_harness.py"
    script.write_text(textwrap.dedent(f"""
        import os, signal, subprocess, sys, time
        print('{{"type": "hello", "pid": 1, "python": "3"}}', flush=True)
        signal.signal(signal.SIGUSR1, lambda s, f: open({str(tmp_path / 'usr1')!r}, "w").write("got it"))
        same = subprocess.Popen([sys.executable, "-c", {STUBBORN!r}])
        detached = subprocess.Popen([sys.executable, "-c", {STUBBORN!r}], start_new_session=True)  # holds stderr
        subprocess.run([sys.executable, "-c", {daemon!r}])  # its parent exits at once: an orphan
        while not os.path.exists({str(pidfile) + '.daemon'!r}):
            time.sleep(0.01)
        d = int(open({str(pidfile) + '.daemon'!r}).read())
        open({str(pidfile)!r}, "w").write(f"{{os.getpid()}} {{same.pid}} {{detached.pid}} {{d}}")
        if {then!r} == "exit":
            os._exit(7)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            time.sleep(0.1)
    """))
    return script, pidfile


def start_guard(script: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-I", str(GUARD), sys.executable, str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def test_sigterm_to_the_guardian_ends_the_whole_tree(tmp_path):
    script, pidfile = fake_harness(tmp_path)
    g = start_guard(script)
    pids = read_pids(pidfile, 4, 30)
    try:
        assert all(alive(p) for p in pids)
        os.kill(g.pid, signal.SIGUSR1)  # forwarded to the harness
        deadline = time.monotonic() + 5
        while not (tmp_path / "usr1").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "usr1").read_text() == "got it"
        t = time.monotonic()
        g.send_signal(signal.SIGTERM)
        code = g.wait(timeout=10)
        assert time.monotonic() - t < guard.GRACE_S + 2.5
        assert wait_gone(pids, 2) == []
        # the harness ignored SIGTERM: it was killed (SIGKILL) after the grace period
        assert code == 128 + signal.SIGKILL
        g.communicate(timeout=5)  # the pipes reach EOF: nothing holds them any more
    finally:
        kill_all(pids + [g.pid])


def test_parent_killed_with_sigkill_leaves_nothing(tmp_path):
    script, pidfile = fake_harness(tmp_path)
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-I", {str(GUARD)!r}, sys.executable, {str(script)!r}],
                         start_new_session=True)
        time.sleep(600)
    """)])
    pids = read_pids(pidfile, 4, 30)
    try:
        parent.kill()
        parent.wait()
        assert wait_gone(pids, guard.GRACE_S + 3) == []
    finally:
        kill_all(pids)


def test_harness_exit_ends_what_it_left_and_passes_its_code_on(tmp_path):
    script, pidfile = fake_harness(tmp_path, then="exit")
    g = start_guard(script)
    pids = read_pids(pidfile, 4, 30)
    try:
        assert g.wait(timeout=10) == 7
        assert wait_gone(pids, 2) == []
    finally:
        kill_all(pids + [g.pid])


def test_kill_tree_and_descendants(tmp_path):
    script, pidfile = fake_harness(tmp_path)
    # this test process is the parent: without a subreaper the daemon escapes to init, so only the
    # guardian's view (the tests above) sees it; here the harness and its two direct children
    h = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.DEVNULL)
    pids = read_pids(pidfile, 4, 30)
    try:
        below = guard.descendants(os.getpid())
        assert h.pid in below and pids[1] in below and pids[2] in below
        guard.kill_tree(h.pid, grace_s=0.2)
        assert wait_gone(pids[1:3], 2) == []
        assert alive(h.pid)  # the root itself is left alone
    finally:
        kill_all(pids + [h.pid])
        h.wait()


def fake_python(tmp_path: Path, script: Path) -> str:
    """An "interpreter" for `Worker`: runs the stand-in harness whatever it is asked to run."""
    exe = tmp_path / "fake-python"
    exe.write_text(f"#!/bin/sh\nexec {sys.executable} {script}\n")
    exe.chmod(0o755)
    return str(exe)


def test_worker_kill_never_blocks_on_pipes_held_by_detached_processes(tmp_path):
    script, pidfile = fake_harness(tmp_path)
    w = runner.Worker(fake_python(tmp_path, script))
    pids = read_pids(pidfile, 4, 30)
    try:
        assert w.messages.get(timeout=10) == msgs.Hello(pid=1, python="3")
        t = time.monotonic()
        w.kill()
        assert time.monotonic() - t < guard.GRACE_S + 3
        assert wait_gone(pids + [w.pid], 2) == []
        deadline = time.monotonic() + runner.PIPE_DRAIN_S + 3
        seen = []
        while time.monotonic() < deadline and msgs.Eof() not in seen:
            try:
                seen.append(w.messages.get(timeout=0.1))
            except queue.Empty:
                pass
        assert msgs.Eof() in seen
        with pytest.raises(runner.WorkerError):
            w.send(msgs.Quit())
    finally:
        kill_all(pids + [w.pid])


def test_worker_exit_status_is_the_harness_exit_code(tmp_path):
    script, pidfile = fake_harness(tmp_path, then="exit")
    w = runner.Worker(fake_python(tmp_path, script))
    pids = read_pids(pidfile, 4, 30)
    try:
        assert w.exit_status(10) == 7
        assert wait_gone(pids, 2) == []
    finally:
        kill_all(pids + [w.pid])
