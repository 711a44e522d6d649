"""The parent side of the probe: static analysis, the warm worker process, the report.

Never imports TensorFlow, JAX, PyTorch or numpy: the language server calls `run_probe` from its own
process. The worker (`harness.py`) runs in the user's interpreter with the Keras backend the script would
use (`backend.detect`), in its own process group, and stays warm between probes (Keras and its backend
imported once; one warm worker per interpreter and backend), so later probes cost little. A hard timeout or a cancellation kills
the worker's whole process group.
"""

from __future__ import annotations

import atexit
import collections
import os
import queue
import select
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable

from learnability.probe import messages as msgs
from learnability.probe.backend import detect as detect_backend
from learnability.probe.backend import worker_env
from learnability.probe.guard import GRACE_S

if TYPE_CHECKING:
    from learnability.config import Config
    from learnability.findings import Finding

Message = dict[str, Any]  # one JSON-line message of the worker, as parsed (see harness.py)

HARNESS = str(Path(__file__).with_name("harness.py"))
GUARD = str(Path(__file__).with_name("guard.py"))
PIPE_DRAIN_S = 1.0  # after the worker exits, its pipes are read this much longer at most
MAX_LINE_BYTES = 64 * 1024 * 1024  # a longer line from the worker is cut

DEFAULTS: dict[str, Any] = {
    "seed": 0,
    "max_steps": 150,  # fit-one-batch: at most this many steps per run (deterministic budget)
    "budget_s": 20.0,  # ... and at most this many seconds per training phase (a safety cap)
    "held_steps": 40,  # steps of training on the training slice before the held-out accuracy
    "n_train": 256,
    "n_held": 128,
    "batch": 16,  # fit-one-batch size (TheDeepChecker)
    "range_steps": 40,
    "input_max_abs": 10.0,
    "max_counterfactuals": 6,
}
DEFAULT_TIMEOUT_S = 180.0
# What `[tool.learnability.probe]` may set, and its range: (lowest, highest). An int lowest means a whole
# number from lowest to highest; a float lowest means a number above lowest (config.probe_options checks).
OPTION_LIMITS: dict[str, tuple[Any, Any]] = {
    "seed": (0, 2**32 - 1),
    "max_steps": (1, 100_000),
    "budget_s": (0.0, 3600.0),
    "held_steps": (1, 100_000),
    "n_train": (1, 100_000),
    "n_held": (1, 100_000),
    "batch": (1, 65_536),
    "range_steps": (1, 100_000),
    "input_max_abs": (0.0, 1e9),
    "max_counterfactuals": (0, 100),
    "timeout_s": (0.0, 86_400.0),
}
IDLE_S = 600.0
BACKEND_TITLE = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}  # a warm worker idle this long is ended


class WorkerError(Exception):
    pass


class Worker:
    """One worker: `guard.py` (the guardian, see there) running `harness.py` in the user's interpreter, in
    a session of its own, speaking JSON lines.

    The pipes are read by one thread that owns them (nothing else closes them, so a kill never waits on a
    reader) and stops reading shortly after the guardian is gone, even if a process that escaped us still
    holds a pipe open; writes to the worker have a deadline too. `kill()` never blocks for long."""

    def __init__(self, python: str, backend: dict[str, Any] | None = None) -> None:
        self.python = python
        self.backend = backend or detect_backend(None)
        self.key = pool_key(python, self.backend)
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env.update(worker_env(self.backend))
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("MPLBACKEND", "Agg")
        self.started = time.monotonic()
        # Started from the harness's own folder (which it drops from sys.path), never the workspace: an empty or
        # relative PYTHONPATH entry would otherwise let a workspace `typing.py` run before the user's script
        # starts. Each job then runs the script in the folder the job names (`cwd`). PYTHONPATH itself is kept:
        # the user's script may need it.
        self.proc = subprocess.Popen(
            worker_command(python), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, env=env, close_fds=True, bufsize=0, cwd=os.path.dirname(HARNESS),
        )
        self.pid = self.proc.pid
        self.messages: queue.Queue[msgs.WorkerMessage | msgs.Eof | msgs.Malformed] = queue.Queue()
        self.stderr: collections.deque[str] = collections.deque(maxlen=200)
        self.ready: msgs.Ready | None = None
        self.busy = False
        self.last_used = time.monotonic()
        self._killing = threading.Event()
        self._pumped = threading.Event()
        threading.Thread(target=self._pump, daemon=True, name="learnability-probe-pipes").start()

    def _pump(self) -> None:
        """Read stdout (JSON lines, each checked -> `messages`: a worker message, or `Malformed` with the
        reason) and stderr (-> `stderr`, the last 200 lines) until both end, or until the guardian has been
        gone for PIPE_DRAIN_S (a leftover process may hold a pipe open forever). Then close them and post
        `Eof`."""
        out, err = self.proc.stdout, self.proc.stderr
        if out is None or err is None:  # (never: the worker is started with stdout=PIPE, stderr=PIPE)
            raise RuntimeError("the probe worker has no output pipes")
        streams: dict[int, tuple[str, IO[bytes]]] = {out.fileno(): ("out", out), err.fileno(): ("err", err)}
        partial = {"out": b"", "err": b""}
        sel = selectors.DefaultSelector()
        for fd in streams:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        gone_at: float | None = None

        def emit(kind: str, raw: bytes) -> None:
            text = raw.decode("utf-8", "replace")
            if kind == "err":
                self.stderr.append(text.rstrip())
                return
            if text.strip():
                self.messages.put(msgs.parse_worker_line(text))

        try:
            while sel.get_map():
                for key, _ in sel.select(timeout=0.1):
                    kind, _stream = streams[key.fd]
                    try:
                        data = os.read(key.fd, 65536)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data:
                        sel.unregister(key.fd)
                        if partial[kind]:
                            emit(kind, partial[kind])
                            partial[kind] = b""
                        continue
                    lines = (partial[kind] + data).split(b"\n")
                    partial[kind] = lines.pop()
                    if len(partial[kind]) > MAX_LINE_BYTES:  # a runaway line: keep its start only
                        emit(kind, partial[kind][:MAX_LINE_BYTES])
                        partial[kind] = b""
                    for line in lines:
                        emit(kind, line)
                if self.proc.poll() is not None:
                    gone_at = gone_at or time.monotonic()
                    if time.monotonic() - gone_at > PIPE_DRAIN_S:
                        break
        finally:
            sel.close()
            for _kind, stream in streams.values():
                try:
                    stream.close()
                except OSError:
                    pass
            self._pumped.set()
            self.messages.put(msgs.Eof())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, command: msgs.Command, timeout: float = 30.0) -> None:
        """Write one command as a JSON line; WorkerError if the worker is gone or does not read it within
        `timeout`."""
        stdin = self.proc.stdin
        if stdin is None or stdin.closed:
            raise WorkerError("the probe worker exited")
        data = memoryview((msgs.dumps(command) + "\n").encode("utf-8"))
        fd = stdin.fileno()
        deadline = time.monotonic() + timeout
        try:
            os.set_blocking(fd, False)
            while data:
                if not self.alive():
                    raise WorkerError(f"the probe worker exited (code {self.proc.returncode})")
                _, writable, _ = select.select([], [fd], [], 0.1)
                if writable:
                    try:
                        data = data[os.write(fd, data):]
                    except BlockingIOError:
                        continue
                elif time.monotonic() > deadline:
                    raise WorkerError("the probe worker does not read its input")
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise WorkerError(f"the probe worker exited: {exc}") from None

    def interrupt(self) -> None:
        """Ask the worker to stop what it runs (it reports where the script was). The guardian passes
        SIGUSR1 on to the harness."""
        try:
            os.kill(self.pid, signal.SIGUSR1)
        except OSError:
            pass

    def exit_status(self, wait_s: float = 2.0) -> int | None:
        """The worker's exit code (the harness's, through the guardian), waiting up to `wait_s`."""
        try:
            return self.proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """End the worker and every process the script started (see guard.py): SIGTERM to the guardian,
        which ends its tree (SIGKILL after a grace period); if it does not exit in time, SIGKILL to the
        session's process group and to what /proc still shows below it. Returns within ~3 s."""
        self._killing.set()
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=GRACE_S + 1.5)
            except subprocess.TimeoutExpired:
                from learnability.probe.guard import descendants

                stragglers = descendants(self.pid)
                for pid in [self.pid, *stragglers]:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    self.proc.wait(timeout=1.0)
                except subprocess.TimeoutExpired:
                    pass
        if self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass


def worker_command(python: str) -> list[str]:
    """The guardian (in this interpreter, isolated: `-I` keeps the current folder and the user's site
    out of its imports) running the harness in `python`."""
    return [sys.executable, "-I", GUARD, python, "-u", HARNESS]


_POOL: dict[str, Worker] = {}
_POOL_LOCK = threading.Lock()


def pool_key(python: str, backend: dict[str, Any]) -> str:
    """One warm worker per interpreter and Keras backend (a process imports one backend, once)."""
    return f"{python}|{backend['name']}" + ("|tf_keras" if backend.get("legacy") else "")


def _acquire(python: str, backend: dict[str, Any] | None = None) -> tuple[Worker, bool]:
    """A worker for `python` and `backend` (default: what the environment and keras.json say): the warm
    one if it is free, else a fresh one. Returns (worker, warm)."""
    backend = backend or detect_backend(None)
    key = pool_key(python, backend)
    with _POOL_LOCK:
        w = _POOL.get(key)
        if w is not None and w.alive() and not w.busy:
            w.busy = True
            return w, w.ready is not None
        fresh = Worker(python, backend)
        fresh.busy = True
        if w is None or not w.alive():
            _POOL[key] = fresh
        return fresh, False


def _release(w: Worker, keep: bool) -> None:
    with _POOL_LOCK:
        w.busy = False
        w.last_used = time.monotonic()
        pooled = _POOL.get(w.key) is w
        end = not keep or not pooled
        if end and pooled:
            del _POOL[w.key]
    if end:  # outside the lock: ending a worker's tree can take a grace period
        w.kill()


def shutdown() -> None:
    """End every warm worker (called at exit)."""
    with _POOL_LOCK:
        workers = list(_POOL.values())
        _POOL.clear()
    for w in workers:
        w.kill()


def worker_pids() -> list[int]:
    """PIDs of the warm workers (tests use this to check that nothing is left behind)."""
    with _POOL_LOCK:
        return [w.pid for w in _POOL.values() if w.alive()]


def prewarm(python: str | None = None) -> None:
    """Start a worker (Keras and its backend imported) in the background so the first probe is warm."""
    w, warm = _acquire(python or sys.executable)
    if warm:
        _release(w, True)
        return

    def wait() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                msg = w.messages.get(timeout=0.5)
            except queue.Empty:
                if not w.alive():
                    break
                continue
            if isinstance(msg, msgs.Ready):
                w.ready = msg
                _release(w, True)
                return
            if isinstance(msg, (msgs.Fatal, msgs.Eof, msgs.Malformed)):
                break
        _release(w, False)

    threading.Thread(target=wait, daemon=True).start()


def _reaper() -> None:
    while True:
        time.sleep(30)
        with _POOL_LOCK:
            idle = [k for k, w in _POOL.items() if not w.busy and time.monotonic() - w.last_used > IDLE_S]
            workers = [_POOL.pop(k) for k in idle]
        for w in workers:
            w.kill()


atexit.register(shutdown)
threading.Thread(target=_reaper, daemon=True).start()


# ----------------------------------------------------------------------------- the probe


def check_title(check_id: str) -> str:
    """"LRN301" -> "LRN301 (adam learning rate too high)": a rule's or probe check's id with its name in
    words; an unknown id as it is."""
    from learnability.probe.checks import PROBE_CHECKS
    from learnability.rules import get_rule

    item = get_rule(check_id) or PROBE_CHECKS.get(check_id)
    return f"{check_id} ({item.name.replace('-', ' ')})" if item is not None else check_id


def progress_text(stage: str, message: str = "") -> str:
    """The progress line for a step of the probe, in words: "as written: fit one batch", "with all fixes",
    "with every fix but LRN102's", "with the fix for LRN301 (...)", "with the repair: learning rate x10".
    `stage` is the worker's run key (`as_written`, a rule or check id, `ALL`, `ALL-<rule>`, `R:<repair>`)."""
    if stage == "as_written":
        head = "as written"
    elif stage == "ALL":
        head = "with all fixes"
    elif stage.startswith("ALL-"):
        head = f"with every fix but {stage[4:]}'s"
    elif stage.startswith("R:"):
        from learnability.probe.plan import DESCRIBE

        head = "with the repair: " + DESCRIBE.get(stage[2:], stage[2:])
    elif stage.startswith("PRB"):
        head = "probe check " + check_title(stage)
    else:
        head = "with the fix for " + check_title(stage)
    message = (message or "").strip()
    return f"{head}: {message}" if message and message != head else head


def _counterfactuals(source: str, findings: list[Finding], limit: int) -> list[dict[str, Any]]:
    """One fixed source per rule id: every fix of that rule applied together."""
    from learnability.fixes import apply_fixes

    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        if f.fix is not None:
            by_rule.setdefault(f.rule, []).append(f)
    out: list[dict[str, Any]] = []
    for rule, group in list(by_rule.items())[:limit]:
        new, count = apply_fixes(source, group, safe_only=False)
        if count and new != source:
            out.append({"key": rule, "rules": [rule], "source": new, "fixes": [f.fix.title for f in group if f.fix is not None]})
    if len(out) >= 2:  # and every fix together (what a corrected program looks like)
        keys = [c["key"] for c in out]
        fixable = [f for f in findings if f.fix is not None and f.rule in keys]
        new, count = apply_fixes(source, fixable, safe_only=False)
        if count and new != source:
            out.append({"key": "ALL", "rules": sorted(keys), "source": new,
                        "fixes": [f.fix.title for f in fixable if f.fix is not None]})
            # all fixes but one (is each one necessary?); with two fixes that is the other fix alone
            for left_out in keys if 3 <= len(keys) <= 4 else []:
                rest = [f for f in fixable if f.rule != left_out]
                new, count = apply_fixes(source, rest, safe_only=False)
                if count and new != source:
                    out.append({"key": "ALL-" + left_out, "rules": sorted(k for k in keys if k != left_out), "source": new,
                                "fixes": [f.fix.title for f in rest if f.fix is not None], "without": left_out})
    return out


SETTINGS_TABLE = "learnability.probe"  # [tool.learnability.probe] in pyproject.toml


def probe_settings(start: Path) -> tuple[dict[str, Any], dict[str, float], str | None]:
    """Options and thresholds from the nearest pyproject.toml's `[tool.learnability.probe]` table:
    any key of OPTION_LIMITS and `thresholds = {...}` (report.THRESHOLDS), checked by config.probe_options.
    -> (options, thresholds, error message or None)."""
    from learnability.config import ConfigError, probe_options, read_toml

    folder = start if start.is_dir() else start.parent
    for candidate in (f / "pyproject.toml" for f in [folder, *folder.parents]):
        if not candidate.is_file():
            continue
        try:
            tool = read_toml(candidate).get("tool")
            ours = tool.get("learnability") if isinstance(tool, dict) else None
            table = ours.get("probe") if isinstance(ours, dict) else None
            if table is None:
                continue
            opts, ths = probe_options(table, f"{candidate}: [tool.{SETTINGS_TABLE}]")
        except ConfigError as exc:
            return {}, {}, str(exc)
        return opts, ths, None
    return {}, {}, None


# Where a rule threshold the probe used came from (the report's `rule_thresholds`).
EDITOR, PYPROJECT, DEFAULT = "editor settings", "pyproject.toml", "default"


def thresholds_used(config: Config | None, editor: set[str] | frozenset[str] = frozenset()) -> dict[str, dict[str, Any]]:
    """Each rule threshold the probe's static analysis used, with where its value came from: the editor's
    settings (names in `editor`), the project's pyproject.toml (a value other than the default), or the
    default. -> {name: {"value": number, "from": ...}}, in the order of config.DEFAULT_THRESHOLDS."""
    from learnability.config import DEFAULT_THRESHOLDS

    out: dict[str, dict[str, Any]] = {}
    for name, default in DEFAULT_THRESHOLDS.items():
        value = config.threshold(name) if config is not None else float(default)
        origin = EDITOR if name in editor else PYPROJECT if config is not None and config.source and value != default \
            else DEFAULT
        out[name] = {"value": value, "from": origin}
    return out


def run_probe(path: str, *, source: str | None = None, python: str | None = None, budget_s: float | None = None,
              timeout_s: float | None = None, on_progress: Callable[[float, str], None] | None = None,
              cancel: threading.Event | None = None, config: Config | None = None,
              editor_thresholds: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Probe one script: run it until fit in the warm worker, measure, confirm each fix. Blocking.

    `source` replaces the file's text (an unsaved editor buffer; a notebook's joined code cells, whose report
    then counts lines in that program). A notebook read from disk gets a report in cell terms (`cell`, and
    lines in the cell: sources.report_in_cells). `python` is the interpreter that has
    TensorFlow (default: this one). `budget_s`: seconds of training per run at most. `timeout_s`: hard limit
    for the whole probe (the worker's process group is killed). `on_progress(fraction, message)` is called
    from this thread. Setting `cancel` kills the worker within a second and returns a cancelled report.
    `config`: the rule settings the linter uses for this file (an editor: its settings over pyproject.toml),
    so that the probe tests what the user sees; default: the nearest pyproject.toml's. `editor_thresholds`:
    the thresholds the editor set (the report's `rule_thresholds` says where each value came from).
    """
    from learnability.probe import report as rpt

    t0 = time.monotonic()
    path = os.path.abspath(path)
    python = python or sys.executable
    options = dict(DEFAULTS)
    settings, thresholds, bad = probe_settings(Path(path))
    if bad:
        return rpt.error_report(path, f"probe settings: {bad}", timing={"total_s": 0.0})
    options.update({k: v for k, v in settings.items() if k != "timeout_s"})
    options["thresholds"] = thresholds
    options["saturation"] = thresholds.get("saturation", rpt.THRESHOLDS["saturation"])
    timeout = float(timeout_s or settings.get("timeout_s") or DEFAULT_TIMEOUT_S)
    if budget_s:
        options["budget_s"] = float(budget_s)
    timing: dict[str, Any] = {}

    def progress(frac: float, msg: str) -> None:
        if on_progress is not None:
            try:
                on_progress(max(0.0, min(1.0, frac)), msg)
            except Exception:
                pass

    notebook = None  # a notebook read here: its report's lines are then counted in its cells
    if source is None:
        from learnability.sources import SourceError, load_source

        try:
            loaded = load_source(Path(path))
            source = loaded.text  # a notebook becomes its code cells, joined
            notebook = loaded if loaded.is_notebook else None
        except SourceError as exc:
            return rpt.error_report(path, str(exc), timing={"total_s": 0.0})
    backend = detect_backend(source)
    try:  # start the worker first: it imports Keras's backend while the static analysis runs
        worker, warm = _acquire(python, backend)
    except OSError as exc:
        return rpt.error_report(path, f"cannot start {python}: {exc}", timing={"total_s": round(time.monotonic() - t0, 3)})
    progress(0.0, "static analysis")
    from learnability.config import ConfigError, load_config
    from learnability.engine import Analyzer

    if config is None:
        try:
            config = load_config(Path(path).parent)
        except (ConfigError, OSError):
            config = None
    if config is not None:
        options["input_max_abs"] = config.threshold("input_max_abs")
    t = time.monotonic()
    try:
        static = Analyzer().analyze(source, path, config)
    except BaseException:
        _release(worker, True)
        raise
    timing["static_s"] = round(time.monotonic() - t, 3)
    cfs = _counterfactuals(source, static.findings, int(options["max_counterfactuals"]))
    try:
        job = msgs.ProbeJob(path=path, source=source, cwd=os.getcwd(),
                            options=msgs.from_json(msgs.ProbeOptions, options, "options"),
                            counterfactuals=[msgs.from_json(msgs.Counterfactual, c, "counterfactual") for c in cfs])
    except msgs.MessageError as exc:  # (settings are checked by config.probe_options: not expected)
        _release(worker, True)
        return rpt.error_report(path, f"probe settings: {exc}", static=static.findings,
                                timing={"total_s": round(time.monotonic() - t0, 3)})
    stages = ["as_written"] + [c["key"] for c in cfs]

    timing["warm"] = warm
    runs: list[Message] = []
    ready = worker.ready
    status = "ok"
    message = ""
    keep = True
    fatal = None
    internal: msgs.Internal | None = None
    start_frac = 0.0 if warm else 0.3
    deadline = t0 + timeout
    job_sent = False
    try:
        if not warm:
            progress(0.02, f"starting {BACKEND_TITLE.get(backend['name'], backend['name'])}")
        while True:
            if cancel is not None and cancel.is_set():
                status, keep = "cancelled", False
                worker.kill()
                break
            now = time.monotonic()
            if now > deadline:
                status, keep = "timeout", False
                worker.interrupt()  # the worker reports where the script was, if it can within a second
                end = time.monotonic() + 1.0
                while time.monotonic() < end:
                    try:
                        msg = worker.messages.get(timeout=0.05)
                    except queue.Empty:
                        continue
                    if isinstance(msg, msgs.Run):
                        runs.append(msg.data.as_dict())
                    if isinstance(msg, (msgs.Done, msgs.Eof, msgs.Malformed)):
                        break
                worker.kill()
                break
            if ready is not None and not job_sent:
                timing["startup_s"] = round(time.monotonic() - t0, 3) if not warm else 0.0
                worker.send(job)
                job_sent = True
                t_job = time.monotonic()
            try:
                msg = worker.messages.get(timeout=0.05)
            except queue.Empty:
                if not worker.alive() and worker.messages.empty():
                    status, keep = "crashed", False
                    break
                continue
            if isinstance(msg, msgs.Ready):
                ready = worker.ready = msg
                name = msg.backend or backend["name"]
                progress(start_frac, f"{BACKEND_TITLE.get(name, name)} ready on {msg.device.text}")
            elif isinstance(msg, msgs.Fatal):
                fatal = msg.message
                status, keep = "fatal", False
                break
            elif isinstance(msg, msgs.Progress):
                i = stages.index(msg.stage) if msg.stage in stages else len(stages) - 1
                frac = start_frac + (1 - start_frac) * (i + msg.frac) / (len(stages) + 0.5)
                progress(frac, progress_text(msg.stage, msg.msg))
            elif isinstance(msg, msgs.Run):
                runs.append(msg.data.as_dict())
            elif isinstance(msg, msgs.Internal):
                internal = msg
            elif isinstance(msg, msgs.Done):
                timing["job_s"] = round(time.monotonic() - t_job, 3)
                break
            elif isinstance(msg, msgs.Malformed):  # a crashed or hostile script wrote to the protocol pipe
                status, keep = "crashed", False
                message = f"the probe worker sent a message the probe cannot read ({msg.reason}); it was stopped"
                break
            elif isinstance(msg, msgs.Eof):
                status, keep = "crashed", False
                break
    except WorkerError as exc:
        status, keep, message = "crashed", False, str(exc)
    except BaseException:  # KeyboardInterrupt, SIGTERM in the CLI: the worker and its tree go too
        keep = False
        raise
    finally:
        _release(worker, keep)
    timing["total_s"] = round(time.monotonic() - t0, 3)
    if status == "crashed" and not message:
        message = rpt.crash_message(worker.exit_status(), list(worker.stderr))
    report = rpt.build_report(
        path=path, source=source, static=static.findings, runs=runs, ready=ready, status=status,
        message=message, fatal=fatal, internal=internal, timing=timing, timeout=timeout, options=options,
        counterfactuals=cfs,
    )
    if ready:  # which backend trained, and why that one (the user's setting, or Keras's default)
        report.setdefault("metrics", {})["backend"] = {
            "name": ready.backend, "version": ready.backend_version, "keras": ready.keras,
            "legacy_keras": ready.legacy_keras, "source": backend["source"], "line": backend["line"],
            "device": msgs.to_json(ready.device)}
    report["rule_thresholds"] = thresholds_used(config, editor_thresholds)
    try:
        msgs.check_report(report)
    except msgs.MessageError as exc:  # a bug here, said plainly rather than sent as a report of another shape
        report = rpt.error_report(path, f"the probe built a report it cannot send: {exc}", static=static.findings,
                                  timing=timing)
    progress(1.0, "done")
    if notebook is not None:
        from learnability.sources import report_in_cells

        report = report_in_cells(report, notebook.locate)
    return report
