"""Looking at processes from tests: which are alive (zombies count as gone), waiting for them to go."""

from __future__ import annotations

import os
import time
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """The pids still alive after `timeout` seconds (empty when all are gone)."""
    deadline = time.monotonic() + timeout
    while True:
        left = [p for p in pids if alive(p)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def read_pids(path: Path, count: int, timeout: float) -> list[int]:
    """`count` pids written (space-separated) by a test script into `path`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pids = [int(p) for p in path.read_text().split()]
        except (OSError, ValueError):
            pids = []
        if len(pids) >= count:
            return pids
        time.sleep(0.05)
    raise TimeoutError(f"{path} never got {count} pids")


def kill_all(pids: list[int]) -> None:
    """Test cleanup: SIGKILL what a failed test left behind (our own processes only)."""
    import signal

    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


# A child that ignores SIGTERM and sleeps: what a stubborn helper process of a training script looks like.
STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"
