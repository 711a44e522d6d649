"""The probe's process guardian, and the process-tree helpers the runner and the harness share.

Standard library only, and runnable as a script (`python -I guard.py PYTHON HARNESS`): the runner starts
the guardian, the guardian starts the harness (the worker that runs the user's script) and stays with it.
Why a separate, tiny process: whatever the script does (ignore SIGTERM, start detached processes with
`start_new_session=True`, hold the GIL in C code), something that runs none of the user's code must be
left to clean up after it.

- The guardian is a *child subreaper* (Linux `PR_SET_CHILD_SUBREAPER`): a process the script starts and
  then orphans (a double fork, a daemon) is re-parented to the guardian, not to init, so it stays in the
  guardian's process tree however it detached itself (new session, new process group).
- The harness gets `PR_SET_PDEATHSIG(SIGKILL)`: if the guardian dies, so does the harness.
- The guardian watches its own parent (the CLI or the language server): when it dies (even by SIGKILL),
  the guardian ends the whole tree. `PR_SET_PDEATHSIG` is not used for the guardian itself because Linux
  sends it when the *thread* that started the process ends, and the runner starts workers from
  short-lived threads; polling `getppid()` every 0.1 s has no such catch.
- On SIGTERM/SIGINT/SIGHUP (the runner's way to stop a worker) and when the harness exits, the guardian
  ends every process in its tree: SIGTERM, then SIGKILL after `GRACE_S` for those that ignore it, repeated
  until the tree is empty (a process that forks while being killed is caught on the next round). Then it
  exits with the harness's exit status (128 + signal for a signal), which the runner reports.
- SIGUSR1 is forwarded to the harness (the runner's "stop and say where the script is").

Descendants are found through /proc (Linux) or `ps` (elsewhere); without a subreaper (not Linux) a
process that detached and whose parent exited is out of reach, and the process group is killed instead.
"""

from __future__ import annotations  # (annotations stay text: the harness imports this file on Python 3.9 too)

import os
import signal
import subprocess
import sys
import time
import types
from typing import Callable, Collection, Iterable

GRACE_S = 0.5  # SIGTERM first; SIGKILL for whatever is left after this long
POLL_S = 0.1
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, arg: int) -> bool:
    """prctl(2) through ctypes; False where there is none (not Linux) or it fails."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(option, arg, 0, 0, 0) == 0)
    except Exception:
        return False


def set_subreaper() -> bool:
    """Make orphaned descendants of this process its children (Linux); True if it worked."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Have the kernel send `sig` to this process when its parent (thread) dies (Linux)."""
    return _prctl(PR_SET_PDEATHSIG, int(sig))


def _table() -> list[tuple[int, int, bool]]:
    """[(pid, ppid, zombie)] of every process we can see."""
    out: list[tuple[int, int, bool]] = []
    if os.path.isdir("/proc/self"):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry, "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            fields = stat.rsplit(b")", 1)[-1].split()
            if len(fields) >= 2:
                out.append((int(entry), int(fields[1]), fields[0] in (b"Z", b"X")))
        return out
    try:
        text = subprocess.run(["ps", "-Ao", "pid=,ppid=,stat="], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit() and parts[1].isdigit():
            out.append((int(parts[0]), int(parts[1]), parts[2].startswith("Z")))
    return out


def descendants(root: int, include_zombies: bool = False) -> list[int]:
    """PIDs of every process below `root` (children first, then theirs). The walk goes through zombies
    (a dying process shows as one while its threads exit, and its children are re-parented only then);
    they are listed only with `include_zombies`."""
    children: dict[int, list[int]] = {}
    zombies: set[int] = set()
    for pid, ppid, zombie in _table():
        children.setdefault(ppid, []).append(pid)
        if zombie:
            zombies.add(pid)
    out: list[int] = []
    todo = list(children.get(root, ()))
    seen: set[int] = set()
    while todo:
        pid = todo.pop(0)
        if pid in seen or pid == root:
            continue
        seen.add(pid)
        if include_zombies or pid not in zombies:
            out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _signal_all(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def reap() -> list[tuple[int, int]]:
    """Collect every exited child (a subreaper inherits orphans it must wait for): [(pid, status)]."""
    out: list[tuple[int, int]] = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return out
        except OSError:
            return out
        if pid == 0:
            return out
        out.append((pid, status))


def kill_tree(root: int, grace_s: float = GRACE_S, exclude: Collection[int] = (),
              on_reaped: Callable[[int, int], None] | None = None, limit_s: float = 5.0) -> None:
    """End every process below `root` (not `root` itself, nor `exclude`): SIGTERM, then SIGKILL after
    `grace_s` for the rest, round after round, until nothing is left below `root`, zombies included (the
    caller, their parent or subreaper, reaps them; `on_reaped(pid, status)` sees each), or `limit_s`."""

    def below(zombies: bool) -> list[int]:
        return [p for p in descendants(root, include_zombies=zombies) if p not in exclude]

    def collect() -> None:
        for pid, status in reap():
            if on_reaped is not None:
                on_reaped(pid, status)

    pids = below(False)
    if not pids and not below(True):
        return
    _signal_all(pids, signal.SIGTERM)
    now = time.monotonic()
    soft, hard = now + max(0.0, grace_s), now + max(grace_s, limit_s)
    while True:
        collect()
        left = below(True)
        if not left or time.monotonic() > hard:
            return
        if time.monotonic() > soft:
            live = below(False)
            _signal_all(live, signal.SIGSTOP)  # a forking process stops forking while its round is killed
            _signal_all(below(False), signal.SIGKILL)
        time.sleep(0.02)


def exit_code(status: int) -> int:
    """A wait status as a shell would report it: the exit code, or 128 + the signal."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 1


def main(argv: list[str]) -> int:
    """guard.py COMMAND...: run COMMAND (the harness) under guard; exit with its status."""
    if not argv:
        print("usage: guard.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    parent = os.getppid()
    me = os.getpid()
    set_subreaper()
    stop: list[int] = []
    state: dict[str, int | None] = {"child": None, "status": None}

    def on_stop(signum: int, frame: types.FrameType | None) -> None:
        stop.append(signum)

    def on_usr1(signum: int, frame: types.FrameType | None) -> None:
        child_pid = state["child"]
        if child_pid is not None and state["status"] is None:
            try:
                os.kill(child_pid, signal.SIGUSR1)
            except OSError:
                pass

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_stop)
    signal.signal(signal.SIGUSR1, on_usr1)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    def child_setup() -> None:  # in the harness, before exec: die with the guardian
        set_parent_death_signal(signal.SIGKILL)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
            signal.signal(sig, signal.SIG_DFL)

    try:
        child = subprocess.Popen(argv, preexec_fn=child_setup, close_fds=True)
    except OSError as exc:
        print("learnability probe: cannot start %s: %s" % (argv[0], exc), file=sys.stderr)
        return 127
    state["child"] = child.pid
    # the guardian keeps no copy of the protocol pipes: when the tree is gone, the runner sees EOF
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)

    def on_reaped(pid: int, status: int) -> None:
        if pid == child.pid and state["status"] is None:
            state["status"] = status

    while True:
        for pid, status in reap():
            on_reaped(pid, status)
        if stop or os.getppid() != parent:
            kill_tree(me, on_reaped=on_reaped)
            break
        if state["status"] is not None:
            kill_tree(me, grace_s=0.2, on_reaped=on_reaped)  # what the script left behind
            break
        time.sleep(POLL_S)
    child.returncode = 0  # reaped here; keep Popen from waiting again
    final = state["status"]
    if final is None:
        return 128 + (stop[0] if stop else signal.SIGKILL)
    return exit_code(final)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
