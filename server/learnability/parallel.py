"""One function over many inputs on all cores: results in input order, a bounded number in flight.

`learnability check --jobs N` runs through `ordered_map`. The workers are a
`concurrent.futures.ProcessPoolExecutor` started with the `forkserver` method where the platform has it
(Linux, macOS) and `spawn` elsewhere (Windows); never `fork`, which copies a parent's threads and locks
half-way. With `forkserver` the server process imports the modules named in `preload` once and each
worker is a fork of it, so a worker costs milliseconds instead of a fresh interpreter's imports.

No worker imports from the user's folder. A new interpreter started by multiprocessing runs
`python -c "from multiprocessing... import ..."`, and `-c` puts the working directory first on
`sys.path` before anything else is imported: started from a project folder that holds a
`multiprocessing.py` (or a `concurrent/`), it would import that. So every process the pool starts (the
fork server, the resource tracker, each spawned worker) is started while the parent's working directory
is a neutral one, Python's own standard library folder (nothing there that is not already on `sys.path`):
the parent's directory is changed only for the duration of the calls that can start processes (making
the pool, `submit`, shutting it down) and restored at once; nothing else runs in the parent meanwhile. Each worker then takes the parent's `sys.path` (multiprocessing's own
preparation) and moves back to the caller's working directory, so relative paths mean the same as in the
parent.
"""

from __future__ import annotations

import multiprocessing
import os
import sysconfig
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WINDOW_PER_JOB = 4  # items submitted but not yet yielded, per worker: enough slack for uneven items


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        n = count()
    elif hasattr(os, "sched_getaffinity"):
        n = len(os.sched_getaffinity(0))
    else:
        n = os.cpu_count()
    return max(1, n or 1)


def start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def neutral_directory() -> str:
    """Where worker processes start: the standard library's folder (already on every `sys.path`)."""
    stdlib = sysconfig.get_paths().get("stdlib") or ""
    return stdlib if os.path.isdir(stdlib) else os.path.dirname(os.__file__)


@contextmanager
def _working_directory(path: str) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _start_worker(cwd: str) -> None:
    os.chdir(cwd)


class _Pool:
    """A process pool whose processes start in the neutral directory and work in `cwd`."""

    def __init__(self, jobs: int, preload: Sequence[str]) -> None:
        self.cwd = os.getcwd()
        self.neutral = neutral_directory()
        ctx = multiprocessing.get_context(start_method())
        if preload and ctx.get_start_method() == "forkserver":
            ctx.set_forkserver_preload(list(preload))
        with _working_directory(self.neutral):  # its queues' locks start multiprocessing's resource tracker
            self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_start_worker,
                                                initargs=(self.cwd,))

    def submit(self, fn: Callable[[T], R], item: T) -> Future[R]:
        with _working_directory(self.neutral):  # a submit may start a worker (and the fork server)
            return self.executor.submit(fn, item)

    def close(self) -> None:
        with _working_directory(self.neutral):
            self.executor.shutdown(wait=True, cancel_futures=True)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int, *, lost: Callable[[T, BaseException], R],
                preload: Sequence[str] = (), window: int | None = None) -> Iterator[R]:
    """`fn(item)` for each item, computed by `jobs` worker processes, yielded in the order of `items`.

    `items` is read lazily and at most `window` (default: 4 per job) items are submitted and not yet
    yielded, so memory stays bounded whatever the number of items. `fn` must be a module-level function,
    items and results picklable. An item whose call fails in a way `fn` did not handle yields
    `lost(item, error)` instead, and the others go on. When a worker process dies (a crash in native
    code, the out-of-memory killer), every item in flight loses its result: those are run again one at
    a time in a new pool, so only the item that kills its worker again is reported lost."""
    window = window or WINDOW_PER_JOB * jobs
    source = iter(items)
    pool = _Pool(jobs, preload)
    pending: deque[tuple[T, Future[R]]] = deque()
    try:
        while True:
            for item in source:
                pending.append((item, pool.submit(fn, item)))
                if len(pending) >= window:
                    break
            if not pending:
                return
            item, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # the pool is gone, and with it every result not yet collected: run those again alone
                in_flight = [(item, future), *pending]
                pending.clear()
                pool.close()
                pool = _Pool(jobs, preload)
                for again, previous in in_flight:
                    if previous.done() and not previous.cancelled() and previous.exception() is None:
                        yield previous.result()  # it finished before the pool broke
                        continue
                    try:
                        result = pool.submit(fn, again).result()
                    except Exception as exc:  # noqa: BLE001 - this item's own failure
                        if isinstance(exc, BrokenProcessPool):
                            pool.close()
                            pool = _Pool(jobs, preload)
                        result = lost(again, exc)
                    yield result
                continue
            except Exception as exc:  # noqa: BLE001 - what fn did not handle (a result that cannot be pickled)
                result = lost(item, exc)
            yield result
    finally:
        for _, future in pending:
            future.cancel()
        pool.close()
