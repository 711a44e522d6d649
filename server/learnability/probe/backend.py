"""Which Keras backend the user's script would run on, and what that backend sees.

Two halves, one file:

- `detect` (parent side, standard library only: the language server calls it and never imports
  TensorFlow, JAX or PyTorch) reads the backend the way Keras itself would pick it for the script:
  `~/.keras/keras.json` (under `KERAS_HOME` when set), overridden by `KERAS_BACKEND` in the environment,
  overridden by an `os.environ["KERAS_BACKEND"] = ...` (or `os.environ.setdefault(...)` when the
  environment has none) among the script's top-level statements before it first imports Keras. The script
  is read, never run. `TF_USE_LEGACY_KERAS` (Keras 2 through `tf_keras`) is read the same way.
- The worker side (`device_info`, `seed_all`, `versions`) runs inside the probe worker after Keras is
  imported; it imports the backend's own module lazily (`jax`, `torch`, `tensorflow`).
"""

from __future__ import annotations

import ast
import json
import os
import sys
from typing import Any, Mapping

BACKENDS = ("tensorflow", "jax", "torch")  # the backends the probe trains on
UNTRAINABLE = ("numpy", "openvino")  # Keras backends that run inference only
DEFAULT = "tensorflow"  # Keras 3's own default
KERAS_MODULES = ("keras", "tensorflow", "tf_keras", "keras_core")


def keras_home(env: Mapping[str, str]) -> str:
    """The folder Keras reads keras.json from: `KERAS_HOME`, else `~/.keras` (or /tmp/.keras when the home
    folder is not writable), as keras/src/backend/config.py decides it."""
    if "KERAS_HOME" in env:
        return os.path.expanduser(env["KERAS_HOME"])
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _config_backend(env: Mapping[str, str]) -> tuple[str | None, str]:
    path = os.path.join(keras_home(env), "keras.json")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        return None, path
    name = cfg.get("backend") if isinstance(cfg, dict) else None
    return (name if isinstance(name, str) and name else None), path


def _is_environ(node: ast.AST) -> bool:
    """`os.environ` (or `environ` imported from os)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _env_lines(tree: ast.Module) -> list[tuple[str, str, bool, int]]:
    """(variable, value, overrides, line) for each `os.environ[...] = "..."` (overrides=True) and
    `os.environ.setdefault("...", "...")` (overrides=False) among the top-level statements that run
    before the script first imports Keras or TensorFlow."""
    out: list[tuple[str, str, bool, int]] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in stmt.names] if isinstance(stmt, ast.Import) else [stmt.module or ""]
            if any(n.split(".")[0] in KERAS_MODULES for n in names):
                break
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            t = stmt.targets[0]
            if isinstance(t, ast.Subscript) and _is_environ(t.value):
                key, value = _str(t.slice), _str(stmt.value)
                if key and value is not None:
                    out.append((key, value, True, stmt.lineno))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            call = stmt.value
            f = call.func
            if isinstance(f, ast.Attribute) and _is_environ(f.value) and len(call.args) == 2:
                key, value = _str(call.args[0]), _str(call.args[1])
                if key and value is not None and f.attr in ("setdefault", "__setitem__"):
                    out.append((key, value, f.attr != "setdefault", stmt.lineno))
            elif isinstance(f, ast.Attribute) and _is_environ(f.value) and f.attr == "update" and call.args:
                d = call.args[0]
                if isinstance(d, ast.Dict):
                    for k, v in zip(d.keys, d.values):
                        name, text = _str(k), _str(v)
                        if name and text is not None:
                            out.append((name, text, True, stmt.lineno))
    return out


def _imports_tf_keras(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "tf_keras" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "tf_keras":
            return True
    return False


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def detect(source: str | None, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The backend the script would run on: {"name", "source" (in words), "line" (of the script's own
    setting, or None), "legacy" (Keras 2 through tf_keras)}. Unknown names are kept as written: the
    worker reports them."""
    env = os.environ if env is None else env
    name, where, line = DEFAULT, "Keras's default", None
    cfg, cfg_path = _config_backend(env)
    if cfg:
        name, where = cfg, cfg_path
    if env.get("KERAS_BACKEND"):
        name, where = env["KERAS_BACKEND"], "KERAS_BACKEND in the environment"
    legacy = _truthy(env.get("TF_USE_LEGACY_KERAS"))
    tree = None
    if source:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            tree = None
    if tree is not None:
        seen: dict[str, str] = {}
        for key, value, overrides, lineno in _env_lines(tree):
            if key not in ("KERAS_BACKEND", "TF_USE_LEGACY_KERAS"):
                continue
            if not overrides and (key in env or key in seen):
                continue  # setdefault: the environment (or an earlier line) wins
            seen[key] = value
            if key == "KERAS_BACKEND":
                name, where, line = value, f"the script (line {lineno})", lineno
            else:
                legacy = _truthy(value)
        if _imports_tf_keras(tree):
            legacy = True
    name = name.strip().lower()
    if name == "pytorch":
        name = "torch"
    if legacy:  # tf_keras is Keras 2: TensorFlow only, whatever KERAS_BACKEND says
        name = "tensorflow"
    return {"name": name, "source": where, "line": line, "legacy": legacy}


def worker_env(backend: Mapping[str, Any]) -> dict[str, str]:
    """The environment variables that make the worker's Keras the one the script would get."""
    env = {"KERAS_BACKEND": str(backend["name"])}
    if backend.get("legacy"):
        env["TF_USE_LEGACY_KERAS"] = "1"
    elif "TF_USE_LEGACY_KERAS" in os.environ:  # the script turns it off before importing Keras
        env["TF_USE_LEGACY_KERAS"] = "0"
    return env


# ----------------------------------------------------------------------------- worker side


def import_backend(name: str) -> Any:
    """Import the backend's own module in the worker (it is what trains and takes gradients)."""
    if name == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        try:
            for gpu in tf.config.list_physical_devices("GPU"):
                tf.config.experimental.set_memory_growth(gpu, True)
        except Exception:
            pass
        return tf
    if name == "jax":
        import jax

        return jax
    if name == "torch":
        import torch

        return torch
    raise ImportError(f"Keras's '{name}' backend cannot train a model; the probe trains on "
                      f"{', '.join(BACKENDS)} (set KERAS_BACKEND to one of them)")


def versions(name: str, keras: Any) -> dict[str, Any]:
    mod = sys.modules.get(name)
    tf = sys.modules.get("tensorflow")
    return {"backend": name, "backend_version": getattr(mod, "__version__", None), "keras": keras.__version__,
            "tensorflow": getattr(tf, "__version__", None) if name == "tensorflow" else None}


def _gib(n: float | int | None) -> float | None:
    return None if not n else round(float(n) / 2**30, 1)


def _cpu() -> dict[str, Any]:
    import platform

    cores = os.cpu_count() or 1
    return {"kind": "CPU", "name": platform.machine(), "count": cores,
            "text": f"CPU ({platform.machine()}, {cores} core{'s' if cores != 1 else ''})"}


def _gpu(name: str, count: int, total: float | None, free: float | None = None) -> dict[str, Any]:
    mem = f", {_gib(total)} GiB" if total else ""
    return {"kind": "GPU", "name": name, "count": count, "memory_gib": _gib(total), "free_gib": _gib(free),
            "text": f"GPU ({name}{mem})" + (f" x{count}" if count > 1 else "")}


def device_info(name: str) -> dict[str, Any]:
    """The device the backend trains on: {"kind": "CPU"|"GPU", "name", "count", "text", memory where the
    backend says it}."""
    try:
        if name == "tensorflow":
            tf = sys.modules["tensorflow"]
            gpus = tf.config.list_physical_devices("GPU")
            if gpus:
                dev = gpus[0].name
                try:
                    dev = tf.config.experimental.get_device_details(gpus[0]).get("device_name") or dev
                except Exception:
                    pass
                return _gpu(dev, len(gpus), None)
        elif name == "jax":
            jax = sys.modules["jax"]
            devs = jax.devices()
            if devs and devs[0].platform != "cpu":
                stats: dict[str, Any] = {}
                try:
                    stats = devs[0].memory_stats() or {}
                except Exception:
                    pass
                limit = stats.get("bytes_limit")
                free = limit - stats.get("bytes_in_use", 0) if limit else None
                return _gpu(getattr(devs[0], "device_kind", devs[0].platform), len(devs), limit, free)
        elif name == "torch":
            torch = sys.modules["torch"]
            if torch.cuda.is_available():
                free, total = None, None
                try:
                    free, total = torch.cuda.mem_get_info(0)
                except Exception:
                    pass
                return _gpu(torch.cuda.get_device_name(0), torch.cuda.device_count(), total, free)
            mps = getattr(getattr(torch, "backends", None), "mps", None)
            if mps is not None and mps.is_available():
                return {"kind": "GPU", "name": "Apple MPS", "count": 1, "text": "GPU (Apple MPS)"}
    except Exception:
        pass
    return _cpu()


def seed_all(seed: int, name: str, keras: Any) -> None:
    """keras.utils.set_random_seed (Python, NumPy, Keras's seed generators, the backend), except that on
    TensorFlow the global seed is set without tf.random.set_seed's cache flush, which makes the next step
    of an already traced function cost as much as a trace. On JAX, Keras's seed generators are the whole
    story; on PyTorch, torch.manual_seed seeds CPU and CUDA (cuDNN may still pick non-deterministic
    kernels: the probe's confirmations compare runs of one process, not bit patterns)."""
    import random

    import numpy as np
    try:
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator
        global_state.set_global_attribute("global_random_seed", seed)
        global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    except Exception:
        keras.utils.set_random_seed(seed)
        return
    random.seed(seed)
    np.random.seed(seed)
    tf = sys.modules.get("tensorflow")  # tf.data shuffles with TF's seed, whatever the backend
    if tf is not None:
        try:
            from tensorflow.python.eager import context
            from tensorflow.python.framework import ops
            ops.get_default_graph().seed = seed
            ctx = context.context()
            ctx._seed = seed
            ctx._rng = random.Random(seed)
        except Exception:
            tf.random.set_seed(seed)
    if name == "torch":
        sys.modules["torch"].manual_seed(seed)


def fresh_keras_state(name: str, keras: Any) -> None:
    """keras.backend.clear_session() (layer names restart at 'dense', 'conv2d', ...) minus TensorFlow's
    kernel-cache flush."""
    import threading
    try:
        from keras.src.backend.common import global_state
        global_state.GLOBAL_STATE_TRACKER = threading.local()
        global_state.GLOBAL_SETTINGS_TRACKER = threading.local()
        tf = sys.modules.get("tensorflow")
        if tf is not None:
            tf.compat.v1.reset_default_graph()
    except Exception:
        keras.backend.clear_session()
