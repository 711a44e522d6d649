"""Analysis runs in a child process, never on the server's event loop.

Why a process and not a thread: libcst's native parser holds the GIL while it parses a statement
(a 5 MB literal holds it for tens of seconds), and collecting hundreds of thousands of syntax-tree
nodes stops every thread of the process. In a child process none of that touches the server: it
keeps answering hovers and code actions while a large file is analysed.

The child holds ONE `Analyzer`, so its chunk cache makes re-analysis after an edit cheap. Jobs are
keyed by document: a job still waiting when a newer one for the same document arrives is answered
"superseded" and never run, so a burst of edits costs one analysis, not one per keystroke.

Messages are length-prefixed pickles on the child's stdin / stdout (works on every OS); whatever
user-facing text the child prints goes to stderr.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Callable

from learnability.config import Config
from learnability.findings import AnalysisError, Finding, Span

if TYPE_CHECKING:
    from learnability.engine import Analyzer

MAX_FINDINGS = 2000  # per document; beyond this the editor gets the first ones and a log line
_HEADER = struct.Struct("!Q")


@dataclass
class Outcome:
    """What one analysis produced (picklable: it crosses the process boundary)."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[AnalysisError] = field(default_factory=list)
    fits: list[Span] = field(default_factory=list)  # each `....fit(...)` call, for code lenses
    truncated: int = 0  # findings left out above MAX_FINDINGS
    elapsed: float = 0.0


class Superseded(Exception):
    """A newer job for the same document replaced this one before it ran."""


class WorkerCrashed(Exception):
    pass


# the protocol (pickled, length-prefixed): the server sends jobs, the child answers each with a reply
Job = tuple[int, str, str, str, Config]  # (job id, document key, text, path, settings)
Reply = tuple[int, str, "Outcome | str | None"]  # (job id, "ok" | "error" | "superseded", outcome or error text)


# ----------------------------------------------------------------------------- framing
def _write(stream: IO[bytes], obj: Job | Reply, lock: threading.Lock | None = None) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    if lock is None:
        stream.write(_HEADER.pack(len(data)) + data)
        stream.flush()
        return
    with lock:
        stream.write(_HEADER.pack(len(data)) + data)
        stream.flush()


def _read(stream: IO[bytes]) -> Any:  # what the other side pickled: a Job or a Reply
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (n,) = _HEADER.unpack(head)
    data = stream.read(n)
    if len(data) < n:
        return None
    return pickle.loads(data)


# ----------------------------------------------------------------------------- the child
def run_analysis(analyzer: Analyzer, text: str, path: str, config: Config) -> Outcome:
    """One analysis, as the child runs it (also used in-process by tests)."""
    start = time.perf_counter()
    result = analyzer.analyze(text, path, config)
    fits: list[Span] = []
    program = result.program
    if program is not None:
        for stmt, call in program.calls_by_method.get("fit", []):
            try:
                fits.append(stmt.placed.span(call))
            except Exception:  # a position we cannot resolve: no lens there
                pass
    findings = result.findings
    truncated = max(0, len(findings) - MAX_FINDINGS)
    return Outcome(findings[:MAX_FINDINGS], list(result.errors), fits, truncated, time.perf_counter() - start)


def _picklable(outcome: Outcome) -> Outcome:
    try:
        pickle.dumps(outcome)
        return outcome
    except Exception:
        for f in outcome.findings:
            f.data = {k: v if isinstance(v, (str, int, float, bool, type(None))) else repr(v) for k, v in f.data.items()}
        return outcome


def child_main() -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, never into the protocol stream
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    from learnability.engine import Analyzer

    analyzer = Analyzer()
    lock = threading.Lock()
    cond = threading.Condition()
    pending: OrderedDict[str, tuple[int, str, str, Config]] = OrderedDict()
    closing = False

    def reader() -> None:
        nonlocal closing
        while True:
            try:
                msg = _read(inp)
            except Exception:
                msg = None
            with cond:
                if msg is None:
                    closing = True
                    cond.notify()
                    return
                job_id, key, text, path, config = msg
                old = pending.pop(key, None)
                pending[key] = (job_id, text, path, config)
                cond.notify()
            if old is not None:
                _write(out, (old[0], "superseded", None), lock)

    threading.Thread(target=reader, daemon=True, name="learnability-worker-reader").start()
    while True:
        with cond:
            while not pending and not closing:
                cond.wait()
            if closing and not pending:
                return
            key, (job_id, text, path, config) = pending.popitem(last=False)
        try:
            outcome = _picklable(run_analysis(analyzer, text, path, config))
            reply: Reply = (job_id, "ok", outcome)
        except Exception as exc:  # the engine guards rules; this is a last resort
            reply = (job_id, "error", f"{exc!r}\n{traceback.format_exc(limit=5)}")
        try:
            _write(out, reply, lock)
        except (BrokenPipeError, OSError):
            return


# ----------------------------------------------------------------------------- the parent
# The child runs in isolated mode (`-I`): neither the current folder nor a script's folder nor PYTHONPATH
# nor the user site is on its sys.path, and no PYTHON* variable (PYTHONSTARTUP, PYTHONPATH, ...) applies.
# It gets the parent's own module path explicitly instead, so it imports the same `learnability` and
# libraries as the server (the extension's bundled ones included) and never a module of the workspace:
# a workspace `struct.py` or `typing.py` is neither run nor able to break the analysis. Its working
# folder is one we own, not the workspace.
NEUTRAL_CWD = os.path.dirname(os.path.abspath(__file__))


def child_path() -> list[str]:
    """The parent's sys.path without what depends on the working folder (the workspace, for a server that
    an editor starts there): relative entries, '' and the working folder itself (unless this package lives
    there, as in a source checkout)."""
    try:
        cwd = os.path.normcase(os.path.realpath(os.getcwd()))
    except OSError:
        cwd = None
    out: list[str] = []
    # and, last, the folder that holds this `learnability` package, however the parent found it (e.g. the
    # import hook of an editable install in the user site, which -I skips)
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for p in [*sys.path, package_parent]:
        if not p or not os.path.isabs(p) or p in out:
            continue
        if os.path.normcase(os.path.realpath(p)) == cwd and p != package_parent:
            continue
        out.append(p)
    return out


def child_command() -> list[str]:
    code = f"import sys; sys.path[:] = {child_path()!r}; from learnability.lsp.worker import child_main; child_main()"
    return [sys.executable, "-I", "-c", code]


class AnalysisWorker:
    """The server's handle on the child process. `analyze` is awaited on the event loop; pipes are
    read and written by two daemon threads, so a 5 MB document never blocks the loop."""

    def __init__(self, log: Callable[[str], None] | None = None) -> None:
        self._log = log or (lambda msg: None)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        # job id -> (loop, future, process it was sent to, message)
        self._futures: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[Outcome], subprocess.Popen[bytes], Job]] = {}
        self._killed: set[int] = set()  # pids of children killed on purpose
        self._closed = False
        self.restarts = 0

    # -- lifecycle
    def start(self) -> None:
        with self._lock:
            self._ensure_locked()

    def _ensure_locked(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if self._proc is not None:
            self.restarts += 1
        proc = subprocess.Popen(
            child_command(), cwd=NEUTRAL_CWD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, bufsize=0,
        )
        self._proc = proc
        self._send_queue: list[Job] = []
        self._send_cond = threading.Condition()
        threading.Thread(target=self._reader, args=(proc,), daemon=True, name="learnability-worker-recv").start()
        threading.Thread(target=self._sender, args=(proc, self._send_cond, self._send_queue), daemon=True,
                         name="learnability-worker-send").start()
        return proc

    def close(self) -> None:
        self._closed = True
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.kill()
                proc.wait(timeout=5)
            except Exception:
                pass

    # -- jobs
    async def analyze(self, key: str, text: str, path: str, config: Config) -> Outcome:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Outcome] = loop.create_future()
        job_id = next(self._ids)
        with self._lock:
            if self._closed:
                raise WorkerCrashed("the analysis worker is closed")
            proc = self._ensure_locked()
            msg: Job = (job_id, key, text, path, config)
            self._futures[job_id] = (loop, fut, proc, msg)
            self._enqueue_locked(msg)
        try:
            return await fut
        finally:
            self._futures.pop(job_id, None)

    def _enqueue_locked(self, msg: Job) -> None:
        with self._send_cond:
            self._send_queue.append(msg)
            self._send_cond.notify()

    def busy_with(self, key: str) -> bool:
        return any(entry[3][1] == key for entry in list(self._futures.values()))

    def cancel_key(self, key: str) -> None:
        """Abandon the jobs of `key`. If one is in the child, the child is killed (a 5 MB analysis
        cannot be interrupted otherwise); the other documents' jobs go to a fresh child."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            outstanding = [(jid, e) for jid, e in list(self._futures.items()) if e[2] is proc]
            if not any(e[3][1] == key for _, e in outstanding):
                return
            self._killed.add(proc.pid)
            self._proc = None
            try:
                proc.kill()
            except Exception:
                pass
            for jid, (loop, fut, _, msg) in outstanding:
                if msg[1] == key:
                    self._resolve(jid, Superseded())
                else:
                    new = self._ensure_locked()
                    self._futures[jid] = (loop, fut, new, msg)
                    self._enqueue_locked(msg)

    def _sender(self, proc: subprocess.Popen[bytes], cond: threading.Condition, queue: list[Job]) -> None:
        assert proc.stdin is not None
        while True:
            with cond:
                while not queue:
                    cond.wait(timeout=1.0)
                    if proc.poll() is not None:
                        return
                msg = queue.pop(0)
            try:
                _write(proc.stdin, msg)
            except Exception as exc:
                self._resolve(msg[0], WorkerCrashed(f"cannot send to the analysis worker: {exc}"))
                return

    def _reader(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        while True:
            try:
                msg = _read(proc.stdout)
            except Exception as exc:
                self._log(f"analysis worker sent an unreadable reply: {exc!r}")
                msg = None
            if msg is None:
                break
            job_id, status, payload = msg
            if status == "ok":
                self._resolve(job_id, payload)
            elif status == "superseded":
                self._resolve(job_id, Superseded())
            else:
                self._resolve(job_id, WorkerCrashed(f"analysis failed: {payload}"))
        # the child is gone: fail whatever it still owed us; the next job starts a fresh one
        if not self._closed and proc.pid not in self._killed:
            self._log(f"analysis worker exited (code {proc.poll()}); it restarts on the next analysis")
        with self._lock:  # after a cancel_key that killed this child has moved its other jobs to a new one
            for job_id, entry in list(self._futures.items()):
                if entry[2] is proc:
                    self._resolve(job_id, WorkerCrashed("the analysis worker exited"))

    def _resolve(self, job_id: int, value: Outcome | BaseException) -> None:
        entry = self._futures.get(job_id)
        if entry is None:
            return
        loop, fut = entry[0], entry[1]

        def settle() -> None:
            if fut.done():
                return
            if isinstance(value, BaseException):
                fut.set_exception(value)
            else:
                fut.set_result(value)

        try:
            loop.call_soon_threadsafe(settle)
        except RuntimeError:  # loop closed
            pass
