"""The probe worker: runs inside the user's interpreter, in its own process group.

Started by `runner.py` as `python -u harness.py`, with KERAS_BACKEND (and TF_USE_LEGACY_KERAS) set to what
the user's script would get (`backend.detect`). It imports Keras and its backend (TensorFlow, JAX or
PyTorch) once, patches `keras.Model.fit` (which is also `tf.keras.Model.fit` under Keras 3), then serves
probe jobs read as JSON lines: for each job it runs the user's script (and each counterfactual source)
with `fit` intercepted, measures on the captured model and data, and streams JSON-line messages back.
The user's own prints and the backend's logs go to stderr; the protocol has private copies of the
original stdin/stdout.

Only the standard library is imported at module level, so the same file works in any interpreter that
has Keras; `measure.py` (numpy + Keras) and `backend.py` are loaded from this file's folder.
"""

from __future__ import annotations  # (annotations stay text: this file runs in the user's interpreter)

import builtins
import importlib.util
import inspect
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
import types
from typing import IO, TYPE_CHECKING, Any, Callable, NoReturn

if TYPE_CHECKING:  # loaded by path in main() (this folder is not on sys.path); typed as the modules they are
    from learnability.probe import backend as BACKEND
    from learnability.probe import measure as MEASURE
    from learnability.probe import messages as MSG
    from learnability.probe import plan as PLAN

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_DIR = os.path.dirname(os.path.dirname(HERE))
# never let our own modules (report.py, measure.py, ...) shadow the user's
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

# A JSON object: a run's result, a script's error payload, a measurement. measure.py makes their contents
# (numpy values included, made JSON-safe by _clean), record.py reads them: the worker only passes them on.
Json = dict[str, Any]
# Keras, its backend and what they make (models, layers, tensors) have no type hints: Any at that boundary.
Keras = Any

_proto_in: IO[str] | None = None
_proto_out: IO[str] | None = None
_send_lock = threading.Lock()


class _State:
    """Whether the user's script is running now, and its path (for user_frame)."""

    def __init__(self) -> None:
        self.active = False
        self.path: str | None = None


STATE = _State()
if not TYPE_CHECKING:
    MSG = None  # messages.py (the typed protocol), loaded by path in main()
    BACKEND = None  # backend.py, loaded in main()
    MEASURE = None  # measure.py (numpy + Keras), loaded in main() once Keras imported
    PLAN = None  # plan.py (which remedies to try), loaded in main()
BACKEND_NAME = "tensorflow"
KERAS2_ONLY = {"nb_epoch", "workers", "use_multiprocessing", "max_queue_size", "samples_per_epoch", "nb_val_samples"}


def send(message: Any) -> None:
    """One message (a dataclass of messages.py) to the parent, as a JSON line."""
    data = json.dumps(MSG.to_json(message), default=_default, allow_nan=False)
    with _send_lock:
        assert _proto_out is not None  # main() opens it before the first message
        _proto_out.write(data + "\n")
        _proto_out.flush()


def send_run(result: Json) -> None:
    """One run's result: its key and status, and its measurements (made JSON-safe) as the rest."""
    data = _clean(result)
    send(MSG.Run(data=MSG.RunData(key=data.pop("key"), status=data.pop("status"), measurements=data)))


def _default(o: object) -> Any:
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except Exception:
        pass
    return str(o)


def _clean(obj: Any) -> Any:
    """Replace NaN / inf by None (JSON has no NaN) recursively."""
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return _clean(obj.item())
    except Exception:
        pass
    return obj


class Stop(BaseException):
    """Raised inside the user's script to stop it once what the probe needs is captured."""

    def __init__(self, kind: str, model: Keras = None, args: Json | None = None, where: Json | None = None):
        super().__init__(kind)
        self.kind = kind
        self.model = model
        self.fit_args = args or {}
        self.where = where or {}


class ProbeTimeout(BaseException):
    pass


class ScriptExit(BaseException):
    """os._exit(n) called by the script (in the worker's own process, main thread) while it runs."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


_real_os_exit = os._exit
_MAIN_PID = os.getpid()


def _probe_os_exit(status: int) -> NoReturn:
    # (named as os._exit names it: the script may pass it by keyword)
    # only the script's own call, in this process and its main thread; a forked child or another thread
    # exits for real (and os._exit outside a probe run, e.g. _watch_parent, is untouched)
    if STATE.active and os.getpid() == _MAIN_PID and threading.current_thread() is threading.main_thread():
        raise ScriptExit(status)
    _real_os_exit(status)


def _on_usr1(signum: int, frame: types.FrameType | None) -> None:
    raise ProbeTimeout()


def user_frame(start: types.FrameType | None = None) -> Json:
    """The innermost frame running the user's file, as {line, column, end_line, end_column} (1-based)."""
    path = STATE.path
    f: types.FrameType | None = start or sys._getframe(1)
    while f is not None:
        if f.f_code.co_filename == path:
            where: Json = {"line": f.f_lineno}
            try:
                pos = list(f.f_code.co_positions())[f.f_lasti // 2]  # type: ignore[attr-defined]  # 3.11+; the try: older
                if pos[0] == f.f_lineno and pos[2] is not None:
                    where.update(column=pos[2] + 1, end_line=pos[1], end_column=(pos[3] or pos[2]) + 1)
            except Exception:
                pass
            return where
        f = f.f_back
    return {}


def _watch_parent(ppid: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != ppid:
            _real_os_exit(3)


# ----------------------------------------------------------------------------- patches


def _no_custom_loop(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` (a gradient function: tf.GradientTape.gradient, jax.grad, torch's backward) raising Stop while
    the user's script runs: a custom training loop, which the probe does not drive."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if STATE.active:
            raise Stop("custom_loop", None, {}, user_frame())
        return fn(*args, **kwargs)

    # a function takes any attribute; __wrapped__ marks the patch as done (patch_tf), and functools.wraps
    # would copy more than the name
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    wrapper.__name__ = getattr(fn, "__name__", "gradient")
    return wrapper


def patch_tf(tf: Keras) -> None:
    """Intercept tf.GradientTape.gradient: a custom loop stops the script (once per process)."""
    tape = tf.GradientTape
    if not hasattr(tape.gradient, "__wrapped__"):
        tape.gradient = _no_custom_loop(tape.gradient)


class _PatchOnImport:
    """A sys.meta_path entry that patches TensorFlow right after the user's script imports it (under the
    JAX or PyTorch backend the worker does not import it itself)."""

    def find_spec(self, fullname: str, path: Any = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "tensorflow" or self not in sys.meta_path:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        orig = spec.loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            orig(module)
            try:
                patch_tf(module)
            except Exception:
                pass

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]  # the patch is this wrapper
        return spec


def install_patches(tf: Keras, keras: Keras) -> None:
    Model = keras.Model
    orig_fit = Model.fit
    fit_sig = inspect.signature(orig_fit)

    def fit(self: Keras, *args: Any, **kwargs: Any) -> Any:
        if not STATE.active:
            return orig_fit(self, *args, **kwargs)
        where = user_frame()
        try:
            bound = fit_sig.bind(self, *args, **kwargs)
        except TypeError as exc:
            bad = [k for k in kwargs if k in KERAS2_ONLY]
            hint = f" ('{bad[0]}' is a Keras 2 argument that Keras 3 removed)" if bad else ""
            raise TypeError(f"fit() {exc}{hint}") from None
        arguments = dict(bound.arguments)
        arguments.pop("self", None)
        arguments.update(arguments.pop("kwargs", {}) or {})
        if getattr(self, "optimizer", None) is None or not getattr(self, "compiled", True):
            raise RuntimeError("You must call `compile()` before `fit()`: the model has no optimizer or loss")
        raise Stop("fit", self, arguments, where)

    Model.fit = fit
    patched = [Model]
    tk = getattr(tf, "keras", None) if tf is not None else None
    TkModel = getattr(tk, "Model", None) if tk is not None else None
    if TkModel is not None and TkModel is not Model and hasattr(TkModel, "fit"):
        TkModel.fit = fit  # a separate tf.keras (tf_keras) class: intercept it the same way
        patched.append(TkModel)

    for M in patched:
        orig_tob = M.train_on_batch

        def train_on_batch(self: Keras, *args: Any, _orig: Any = orig_tob, **kwargs: Any) -> Any:
            if not STATE.active:
                return _orig(self, *args, **kwargs)
            raise Stop("train_on_batch", self, {}, user_frame())

        M.train_on_batch = train_on_batch

        orig_compile = M.compile

        def compile(self: Keras, *args: Any, _orig: Any = orig_compile, **kwargs: Any) -> Any:
            if STATE.active:
                where = user_frame()
                if where:
                    self._probe_compile = where
            return _orig(self, *args, **kwargs)

        M.compile = compile

    Layer = keras.layers.Layer
    orig_init = Layer.__init__

    def layer_init(self: Keras, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        if STATE.active:
            where = user_frame()
            if where:
                try:
                    self._probe_line = where["line"]
                except Exception:
                    pass

    Layer.__init__ = layer_init

    if tf is not None:
        patch_tf(tf)
    elif importlib.util.find_spec("tensorflow") is not None:
        sys.meta_path.insert(0, _PatchOnImport())
    jax: Any = sys.modules.get("jax") if BACKEND_NAME == "jax" else None
    if jax is not None:  # a custom loop on JAX takes jax.grad / jax.value_and_grad
        jax.grad = _no_custom_loop(jax.grad)
        jax.value_and_grad = _no_custom_loop(jax.value_and_grad)
    torch: Any = sys.modules.get("torch") if BACKEND_NAME == "torch" else None
    if torch is not None:  # ... on PyTorch, loss.backward()
        torch.Tensor.backward = _no_custom_loop(torch.Tensor.backward)

    def hook(model: Keras, x: Any, y: Any = None, **kwargs: Any) -> None:
        if not STATE.active:
            return None
        args = dict(kwargs)
        args.update(x=x, y=y)
        loss, optimizer = args.pop("loss", None), args.pop("optimizer", None)
        if loss is not None or getattr(model, "optimizer", None) is None:
            if loss is None:
                raise RuntimeError("learnability.probe.target(model, x, y): the model is not compiled; "
                                   "pass loss= (and optimizer=) or compile it first")
            model.compile(optimizer=optimizer or "adam", loss=loss)
        raise Stop("target", model, args, user_frame())

    try:
        import learnability.probe as lp  # noqa: F401
    except Exception:
        sys.path.append(SERVER_DIR)
        try:
            import learnability.probe as lp  # noqa: F811
        except Exception:
            lp = None  # type: ignore[assignment]  # learnability itself is not importable there
    if lp is not None:
        lp._HOOK = hook


# ----------------------------------------------------------------------------- running scripts


def run_script(path: str, source: str, cwd: str, seed: int, keras: Keras) -> tuple[str, Stop | Json]:
    """Run a script until fit is intercepted. Returns (status, payload): ("captured", the Stop) or a status
    and its error payload."""
    folder = os.path.dirname(path)
    try:
        code = compile(source, path, "exec")
    except SyntaxError as exc:
        return "error", {"exc_type": "SyntaxError", "message": str(exc.msg), "line": exc.lineno or 1,
                         "column": exc.offset or 1, "traceback": []}
    mod = types.ModuleType("__main__")
    mod.__file__ = path
    mod.__dict__["__builtins__"] = builtins
    saved_main, saved_argv, saved_path, saved_cwd = sys.modules.get("__main__"), sys.argv, list(sys.path), os.getcwd()
    before = set(sys.modules)
    sys.modules["__main__"] = mod
    sys.argv = [path]
    sys.path.insert(0, folder)
    try:
        os.chdir(cwd or folder)
    except OSError:
        pass
    STATE.path = path
    BACKEND.fresh_keras_state(BACKEND_NAME, keras)
    BACKEND.seed_all(seed, BACKEND_NAME, keras)
    STATE.active = True
    try:
        exec(code, mod.__dict__)
        return "finished", {}
    except Stop as stop:
        return "captured", stop
    except ProbeTimeout as exc:
        return "timeout", _error_payload(exc, path)
    except SystemExit as exc:
        payload = _error_payload(exc, path)
        payload["message"] = f"the script called sys.exit({exc.code!r}) before fit"
        return "exit", payload
    except ScriptExit as exc:
        payload = _error_payload(exc, path)
        payload["message"] = f"the script called os._exit({exc.code!r}) before fit (exit code {exc.code!r})"
        return "exit", payload
    except BaseException as exc:  # the user's exception, whatever it is
        return "error", _error_payload(exc, path)
    finally:
        STATE.active = False
        sys.modules["__main__"] = saved_main  # type: ignore[assignment]  # (always there: this script runs as __main__)
        sys.argv = saved_argv
        sys.path[:] = saved_path
        try:
            os.chdir(saved_cwd)
        except OSError:
            pass
        for name in set(sys.modules) - before:
            f = getattr(sys.modules.get(name), "__file__", None) or ""
            if f and os.path.abspath(f).startswith(folder + os.sep) and "site-packages" not in f:
                sys.modules.pop(name, None)


_PACKAGE_DIR = re.compile(r"[/\\](?:site|dist)-packages[/\\]([A-Za-z_]\w*)")


def _raised_in(exc: BaseException) -> str | None:
    """The installed package whose code raised `exc` (the innermost frame in site-packages): keras, sklearn..."""
    for fr in reversed(traceback.extract_tb(exc.__traceback__)):
        m = _PACKAGE_DIR.search(fr.filename or "")
        if m:
            return m.group(1)
    return None


def _error_payload(exc: BaseException, path: str) -> Json:
    frames = [fr for fr in traceback.extract_tb(exc.__traceback__) if fr.filename == path]
    line = frames[-1].lineno if frames else 1
    where: Json = {"line": line}
    if frames:
        fr = frames[-1]
        colno: int | None = getattr(fr, "colno", None)  # FrameSummary has positions from Python 3.11 on
        end_lineno: int | None = getattr(fr, "end_lineno", None)
        if colno is not None and fr.lineno == end_lineno:
            end_colno: int | None = getattr(fr, "end_colno", None)
            where.update(column=colno + 1, end_line=end_lineno, end_column=(end_colno or colno) + 1)
    msg = str(exc)
    if len(msg) > 600:
        msg = msg[:600] + "..."
    return {"exc_type": type(exc).__name__, "message": msg, **where, "library": _raised_in(exc),
            "traceback": [{"line": fr.lineno, "code": fr.line} for fr in frames][-5:]}


# ----------------------------------------------------------------------------- probe job


TRAINERS: dict[str, MEASURE.Trainer] = {}  # setup_key -> Trainer: a warm worker re-traces nothing for a setup it has seen
MAX_TRAINERS = 3


def get_trainer(model: Keras, x: Any, y: Any, init_weights: list[Any] | None = None) -> tuple[MEASURE.Trainer, bool]:
    """A trainer for `model`: a cached one (already traced) when the setup is identical, else a new one."""
    m = MEASURE
    key = m.setup_key(model, x, y)
    if key is not None and key in TRAINERS:
        tr = TRAINERS.pop(key)
        TRAINERS[key] = tr
        tr.adopt(model, init_weights)
        return tr, True
    tr = m.Trainer(model, x, y, init_weights=init_weights)
    if key is not None:
        TRAINERS[key] = tr
        while len(TRAINERS) > MAX_TRAINERS:
            TRAINERS.pop(next(iter(TRAINERS)))
    return tr, False


class Probe:
    def __init__(self, job: MSG.ProbeJob, keras: Keras):
        self.job = job  # (messages.parse_command has read and checked it: every field is there)
        self.keras, self.m = keras, MEASURE
        self.plan = PLAN
        o = job.options
        self.seed = int(o.seed)
        self.max_steps = int(o.max_steps)
        self.budget_s = float(o.budget_s)
        self.held_steps = int(o.held_steps)
        self.n_train = int(o.n_train)
        self.n_held = int(o.n_held)
        self.batch = int(o.batch)
        self.range_steps = int(o.range_steps)
        self.input_max_abs = float(o.input_max_abs)
        self.sat_threshold = float(o.saturation)
        self.path = job.path
        self.cwd = job.cwd

    def progress(self, stage: str, frac: float, msg: str) -> None:
        send(MSG.Progress(stage=stage, frac=round(float(frac), 3), msg=msg))

    def capture(self, source: str, key: str) -> tuple[Stop, None] | tuple[None, Json]:
        status, payload = run_script(self.path, source, self.cwd, self.seed, self.keras)
        if isinstance(payload, Stop):  # status "captured"
            if payload.kind in ("fit", "target"):
                return payload, None
            what = {"train_on_batch": "trains with train_on_batch",
                    "custom_loop": "trains with a custom GradientTape loop"}[payload.kind]
            return None, {"status": "no_fit", "kind": payload.kind, "where": payload.where,
                          "message": f"the script {what}; the probe intercepts Model.fit. Call "
                                     "learnability.probe.target(model, x, y) just before the loop to probe it"}
        if status == "finished":
            return None, {"status": "no_fit", "kind": "finished",
                          "message": "the script finished without calling Model.fit (or learnability.probe.target)"}
        return None, {"status": status, **payload}

    def run(self) -> None:
        m = self.m
        t_all = time.perf_counter()
        self.progress("as_written", 0.0, "running the script until fit")
        t = time.perf_counter()
        cap, err = self.capture(self.job.source, "as_written")
        exec_s = time.perf_counter() - t
        if err is not None:
            send_run({"key": "as_written", **err, "exec_s": round(exec_s, 3)})
            return
        assert cap is not None  # (capture returns one of the two)
        model = cap.model
        args = cap.fit_args
        try:
            data = m.split(args, self.n_train, self.n_held, self.seed)
            task = m.detect_task(model, data.y_train)
            t_setup = time.perf_counter()
            tr, reused = get_trainer(model, data.x_train, data.y_train)
            setup_s = time.perf_counter() - t_setup
        except Exception as exc:
            send_run({"key": "as_written", "status": "data_error", "where": cap.where,
                      "exc_type": type(exc).__name__, "message": str(exc)[:600],
                      "trace": traceback.format_exc()[-1500:]})
            return
        batch_idx = m.stratified_batch(task, data.y_train, self.batch, self.seed)
        xb, yb = m.take(data.x_train, batch_idx), m.take(data.y_train, batch_idx)
        probe_n = m.np.arange(min(64, m.n_samples(data.x_train)))
        xs = m.take(data.x_train, probe_n)
        info = {
            "key": "as_written", "status": "ok", "exec_s": round(exec_s, 3), "kind": cap.kind,
            "fit_where": cap.where, "compile_where": getattr(model, "_probe_compile", None),
            "fit_args": {k: _describe_arg(v) for k, v in args.items() if k in (
                "batch_size", "epochs", "validation_split", "steps_per_epoch", "shuffle")},
            "has_validation_data": args.get("validation_data") is not None,
            "data_source": data.source, "held_from": data.held_from,
            "task": vars(task), "samples": {"train": m.n_samples(data.x_train),
                                            "held_out": m.n_samples(data.x_held) if data.x_held is not None else 0,
                                            "batch": len(batch_idx)},
            "inputs": m.input_stats(data.x_train, task, data.y_train),
            "batch_inputs": m.input_stats(xb, task, yb),
            "labels": m.label_stats(data.y_train, task),
            "optimizer": type(model.optimizer).__name__, "learning_rate": _sig(tr.init_lr),
            "layers": m.layer_info(model), "groups": [g for g, _ in tr.groups],
            "chance_batch": m.chance(task, yb),
        }
        info["user_steps"] = m.user_steps(args, data.n_fit)
        info["reused_trace"] = reused
        info["setup_s"] = round(setup_s, 3)
        tr.reset(self.seed)
        info["acts_init"] = m.activation_stats(tr.model, xs)
        deadline = time.perf_counter() + self.budget_s
        fit = m.fit_batch(tr, task, xb, yb, max_steps=self.max_steps, deadline=deadline, seed=self.seed,
                          progress=lambda f: self.progress("as_written", 0.1 + 0.6 * f, "fit one batch"))
        info["fit"] = fit
        tr.sync()  # (JAX keeps the trained state in the trainer)
        info["acts_end"] = m.activation_stats(tr.model, xs)
        held = None
        inp = info["inputs"]
        stuck = fit["nonfinite"] or bool(fit.get("error")) or bool(inp.get("identical_samples"))  # (stalled: measured)
        if not stuck and data.x_held is not None:
            self.progress("as_written", 0.75, "training slice and held-out accuracy")
            held = m.held_out(tr, task, data, batch=min(32, int(args.get("batch_size") or 32)),
                              max_steps=self.held_steps, deadline=time.perf_counter() + self.budget_s, seed=self.seed,
                              user_steps=info["user_steps"])
        info["held_out"] = held
        info["seconds"] = round(time.perf_counter() - t_all, 3)
        send_run(info)

        # any run so far that learns: fits the batch for real and (as written) learns the training slice
        learned = [bool(fit["fitted"]) and not _collapsed(fit) and self.plan.held_learned(held, task.kind) is not False]

        # ---- counterfactuals: each fix applied to the source, same seed, weights, slice and budget
        init_weights = tr.init_weights
        orig_lr = tr.init_lr
        lr_fitted = False
        cf_ok = set()  # rules whose counterfactual ran
        lr501_fitted = False  # the static scaling fix made it fit
        for cf in self.job.counterfactuals:
            key = cf.key
            self.progress(key, 0.0, "")
            t = time.perf_counter()
            res: Json = {"key": key, "rules": cf.rules}
            cap2, err2 = self.capture(cf.source, key)
            if err2 is not None:
                res.update(err2)
                send_run(res)
                continue
            assert cap2 is not None
            try:
                data2 = m.split(cap2.fit_args, self.n_train, self.n_held, self.seed)
                task2 = m.detect_task(cap2.model, data2.y_train)
                tr2, reused2 = get_trainer(cap2.model, data2.x_train, data2.y_train, init_weights=init_weights)
            except Exception as exc:
                res.update(status="data_error", exc_type=type(exc).__name__, message=str(exc)[:600])
                send_run(res)
                continue
            xb2, yb2 = m.take(data2.x_train, batch_idx), m.take(data2.y_train, batch_idx)
            fit2 = m.fit_batch(tr2, task2, xb2, yb2, max_steps=self.max_steps,
                               deadline=time.perf_counter() + self.budget_s, seed=self.seed,
                               progress=lambda f, k=key: self.progress(k, 0.1 + 0.6 * f, "fit one batch"))
            res.update(status="ok", same_init=tr2.same_init, fit=fit2, learning_rate=_sig(tr2.init_lr),
                       inputs=m.input_stats(xb2, task2, yb2),
                       reused_trace=reused2)
            if held is not None and "skipped" not in held and not fit2["nonfinite"]:
                res["held_out"] = m.held_out(tr2, task2, data2, batch=held["batch"], max_steps=self.held_steps,
                                             deadline=time.perf_counter() + self.budget_s, seed=self.seed)
            if fit2["fitted"] and tr2.init_lr is not None and orig_lr is not None and tr2.init_lr != orig_lr:
                lr_fitted = True
            res["seconds"] = round(time.perf_counter() - t, 3)
            cf_ok.update(cf.rules)
            if fit2["fitted"] and not _collapsed(fit2):
                learned.append(True)
                lr501_fitted = lr501_fitted or "LRN501" in cf.rules
            send_run(res)
            del tr2, cap2

        def run_repair(key: str, rules: list[str], atoms: list[str], with_held: bool | str = True) -> Json:
            r = self.repair(key, rules, atoms, model, tr, task, data, batch_idx, held, init_weights, orig_lr,
                            with_held=with_held)
            f = r.get("fit") or {}
            if f.get("fitted") and not _collapsed(f):
                learned.append(True)
            return r

        # ---- dynamic remedies, on the captured model (no re-run of the script)
        tr.adopt(model, init_weights)  # a counterfactual may have borrowed this trainer
        if orig_lr is not None:
            tr.init_lr = orig_lr  # (and left its own rate in the shared variable)
        inputs = info["inputs"]
        identical = bool(inputs.get("identical_samples")) or bool(inputs.get("identical_across_classes"))
        if not fit["fitted"] and not identical and not lr_fitted and tr.lr_is_variable:
            self.progress("PRB007", 0.0, "learning-rate range test")
            t = time.perf_counter()
            rng_res = m.lr_range(tr, task, xb, yb, steps=self.range_steps,
                                 deadline=time.perf_counter() + self.budget_s, seed=self.seed)
            res = {"key": "PRB007", "rules": ["PRB007"], "status": "ok", "lr_range": rng_res, "same_init": True}
            if rng_res.get("suggested"):
                lr = rng_res["suggested"]
                res["learning_rate"] = lr
                res["fit"] = m.fit_batch(tr, task, xb, yb, max_steps=self.max_steps,
                                         deadline=time.perf_counter() + self.budget_s, seed=self.seed, lr=lr)
                if res["fit"]["fitted"] and not _collapsed(res["fit"]):
                    learned.append(True)
            res["seconds"] = round(time.perf_counter() - t, 3)
            send_run(res)
        cf_rules = cf_ok

        # ---- causes measured in the data, each with its remedy (plan.py decides which apply)
        for rule, atoms, text in self.plan.causes(info):
            if atoms:
                self.progress(rule, 0.0, f"with {text}" if text else "")
                run_repair(rule, [rule], atoms)
        big = inputs.get("max") is not None and max(abs(inputs["max"]), abs(inputs["min"])) > self.input_max_abs
        if big and ("LRN501" not in cf_rules or not lr501_fitted) and not identical and "float" in str(inputs.get("dtype")):
            self.progress("PRB009", 0.0, "with standardised inputs")
            run_repair("PRB009", ["PRB009"], ["std_x"])
        # saturated sigmoid/tanh hidden layers and no static fix for them: try relu there
        out_name = model.layers[-1].name if getattr(model, "layers", None) else None
        sat = [a["name"] for a in (info.get("acts_init") or [])
               if a.get("saturation") is not None and a["saturation"] > self.sat_threshold and a["name"] != out_name]
        if sat and "LRN101" not in cf_rules and not identical:
            self.progress("PRB008", 0.0, "with relu in the saturated layers")
            t = time.perf_counter()
            res = {"key": "PRB008", "rules": ["PRB008"], "layers": sat}
            try:
                _restore_lr(tr, orig_lr)  # (the range test leaves its last rate in the optimizer)
                clone = m.relu_clone(model, set(sat))
                tr4, _ = get_trainer(clone, data.x_train, data.y_train, init_weights=init_weights)
                res.update(status="ok", same_init=tr4.same_init,
                           fit=m.fit_batch(tr4, task, xb, yb, max_steps=self.max_steps,
                                           deadline=time.perf_counter() + self.budget_s, seed=self.seed))
                if held is not None and "skipped" not in held:
                    res["held_out"] = m.held_out(tr4, task, data, batch=held["batch"], max_steps=self.held_steps,
                                                 deadline=time.perf_counter() + self.budget_s, seed=self.seed)
            except Exception as exc:  # subclassed models, custom layers: no clone
                res.update(status="error", exc_type=type(exc).__name__, message=str(exc)[:300])
            res["seconds"] = round(time.perf_counter() - t, 3)
            send_run(res)
            if res.get("status") == "ok" and res["fit"].get("fitted"):
                learned.append(True)

        # ---- repair search: nothing so far makes it learn; the smallest standard repair that does
        fits_batch = bool(fit["fitted"]) and not _collapsed(fit)  # it can be optimised: the slice is a data question
        if not any(learned) and not identical and not fits_batch and not self.plan.causes(info):
            done = {"std_x"} if big else set()
            if sat:
                done.add("relu_he")
            for key, atoms, _text in self.plan.generic(info, done):
                self.progress("R:" + key, 0.0, "")
                r = run_repair("R:" + key, ["PRB018"], atoms, with_held="if_fits")
                f = r.get("fit") or {}
                if f.get("fitted") and not _collapsed(f) and self.plan.held_learned(r.get("held_out"), task.kind) is not False:
                    break

    def repair(self, key: str, rules: list[str], atoms: list[str], model: Keras, tr: Any, task: Any, data: Any,
               batch_idx: Any, held: Json | None, init_weights: Any, orig_lr: float | None,
               with_held: bool | str = True) -> Json:
        """Train the captured model with a repair (data and/or model atoms) from the same initial weights."""
        m = self.m
        t = time.perf_counter()
        res = {"key": key, "rules": rules, "atoms": atoms, "repair": True}
        _restore_lr(tr, orig_lr)  # a clone copies the optimizer's config: its rate must be the script's
        try:
            data2 = m.repair_data(atoms, data)
            model2 = m.repair_model(atoms, model, data2)
            # He initialisation and a new first layer need their own initial weights
            fresh = "relu_he" in atoms or "bn_first" in atoms
            tr2, reused = get_trainer(model2, data2.x_train, data2.y_train,
                                      init_weights=None if fresh else init_weights)
            if model2 is model and orig_lr is not None:
                tr2.init_lr = orig_lr
            task2 = m.detect_task(model2, data2.y_train)
            lr = None
            if tr2.init_lr is not None and ("lr_x10" in atoms or "lr_div10" in atoms):
                lr = tr2.init_lr * (10.0 if "lr_x10" in atoms else 0.1)
            xb2, yb2 = m.take(data2.x_train, batch_idx), m.take(data2.y_train, batch_idx)
            fit2 = m.fit_batch(tr2, task2, xb2, yb2, max_steps=self.max_steps,
                               deadline=time.perf_counter() + self.budget_s, seed=self.seed, lr=lr)
            res.update(status="ok", same_init=tr2.same_init, fit=fit2, task=vars(task2), reused_trace=reused,
                       learning_rate=_sig(lr if lr is not None else tr2.init_lr), chance_batch=m.chance(task2, yb2))
            if with_held == "if_fits":
                with_held = fit2["fitted"] and not _collapsed(fit2)
            if with_held and held is not None and "skipped" not in held and not fit2["nonfinite"]:
                res["held_out"] = m.held_out(tr2, task2, data2, batch=held["batch"], max_steps=self.held_steps,
                                             deadline=time.perf_counter() + self.budget_s, seed=self.seed, lr=lr)
        except Exception as exc:  # a layer without a config, a subclassed model: this repair cannot be built
            res.update(status="error", exc_type=type(exc).__name__, message=str(exc)[:300])
        finally:
            tr.adopt(model, init_weights)
            if orig_lr is not None:
                tr.init_lr = orig_lr
        res["seconds"] = round(time.perf_counter() - t, 3)
        send_run(res)
        return res


def _restore_lr(tr: Any, lr: float | None) -> None:
    if lr is not None and tr.lr_is_variable:
        tr.set_lr(lr)


def _collapsed(fit: Json) -> bool:
    """One class predicted (or a constant) on the batch: fitting it then says nothing about learning."""
    p = fit.get("predictions") or {}
    return bool(p.get("classes_predicted") == 1 or (p.get("target_std") and (p.get("pred_std") or 0.0) < 1e-3 * p["target_std"]))


def _sig(v: float | None) -> float | None:
    return None if v is None else float(f"{v:.6g}")


def _describe_arg(v: object) -> object:
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return type(v).__name__


def _load(name: str, filename: str) -> Any:
    """A module of this folder, loaded by path (this folder is not on sys.path: see above)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, filename))
    assert spec is not None and spec.loader is not None  # a .py file of this folder
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    global _proto_in, _proto_out
    # private copies of the pipes for the protocol; the user's code sees /dev/null stdin, stderr as stdout
    _proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    _proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    sys.stdout = os.fdopen(1, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    signal.signal(signal.SIGUSR1, _on_usr1)
    global MSG
    MSG = _load("_learnability_probe_messages", "messages.py")
    guard = _load("_learnability_probe_guard", "guard.py")
    guard.set_subreaper()  # what the script starts and orphans stays below this process (see guard.py)
    os._exit = _probe_os_exit
    send(MSG.Hello(pid=os.getpid(), python=sys.version.split()[0]))
    t = time.perf_counter()
    global BACKEND, BACKEND_NAME
    BACKEND = _load("_learnability_probe_backend", "backend.py")
    wanted = os.environ.get("KERAS_BACKEND") or "tensorflow"
    legacy = os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import keras
        BACKEND_NAME = "tensorflow" if legacy else keras.backend.backend()
        lib = BACKEND.import_backend(BACKEND_NAME)
    except BaseException as exc:
        what = "TensorFlow" if wanted == "tensorflow" else f"Keras with its '{wanted}' backend"
        hint = {"tensorflow": "pip install tensorflow", "jax": "pip install keras jax",
                "torch": "pip install keras torch"}.get(wanted, "set KERAS_BACKEND to tensorflow, jax or torch")
        if wanted in BACKEND.UNTRAINABLE:  # Keras imported, but this backend runs inference only
            send(MSG.Fatal(message=f"{exc} (KERAS_BACKEND={wanted})"))
            return 2
        send(MSG.Fatal(message=f"{what} could not be imported in {sys.executable}: "
                               f"{type(exc).__name__}: {exc}. Install it there "
                               f"({hint}) or pass --python."))
        return 2
    tf = lib if BACKEND_NAME == "tensorflow" else None
    global MEASURE, PLAN
    MEASURE = _load("_learnability_probe_measure", "measure.py")
    PLAN = _load("_learnability_probe_plan", "plan.py")
    install_patches(tf, keras)
    send(MSG.Ready(device=MSG.Device(**BACKEND.device_info(BACKEND_NAME)), **BACKEND.versions(BACKEND_NAME, keras),
                   legacy_keras=legacy, import_s=round(time.perf_counter() - t, 3), pid=os.getpid()))
    for line in _proto_in:
        line = line.strip()
        if not line:
            continue
        t = time.perf_counter()
        try:
            job = json.loads(line)
            cmd = MSG.parse_command(job)
        except ValueError as exc:  # (MSG.MessageError is one): answered, so the parent does not wait
            send(MSG.Internal(message=f"a command the worker does not understand: {exc}", trace=""))
            send(MSG.Done(seconds=0.0))
            continue
        if isinstance(cmd, MSG.Quit):
            break
        if isinstance(cmd, MSG.ProbeJob):
            try:
                Probe(cmd, keras).run()
            except ProbeTimeout:
                send_run({"key": "_timeout", "status": "timeout", "message": "timed out while measuring"})
            except Exception as exc:
                send(MSG.Internal(message=f"{type(exc).__name__}: {exc}", trace=traceback.format_exc()[-3000:]))
            # whatever the script started (a server, a detached daemon) ends with the job: SIGTERM,
            # then SIGKILL; a process that kept our stderr open would otherwise outlive the probe
            guard.kill_tree(os.getpid(), grace_s=0.2)
            send(MSG.Done(seconds=round(time.perf_counter() - t, 3)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
