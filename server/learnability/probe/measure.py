"""Measurements, run inside the probe worker (this module imports numpy and Keras; the backend's own
module, TensorFlow, JAX or PyTorch, only where a step needs it).

Everything here is measurement, no policy: it returns plain JSON-able numbers, and the parent
(`report.py`) decides what they mean. The entry points are `prepare` (data + task from a capture),
`Trainer` (one compiled model: a traced train step shared by every phase, so each model is traced
once: `tf.function` on TensorFlow, `jax.jit` on JAX, eager autograd on PyTorch), and the phases
`fit_batch`, `held_out`, `lr_range`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import keras
import numpy as np

# a JSON-able piece of the measurement record the worker sends (plan.py and report.py read its keys)
Record = dict[str, Any]
SATURATING = {"sigmoid", "tanh", "hard_sigmoid", "softsign", "hard_tanh"}
RELU_LIKE = {"relu", "relu6"}
FIT_ACCURACY = 0.95  # fit-one-batch target (TheDeepChecker); regression: R^2 >= 0.95
PREDICT_CHUNK = 128  # rows per inference call
SAT_PREACT = 5.0  # a sigmoid/tanh unit is saturated beyond |pre-activation| 5 (DeepDiagnosis)


# ----------------------------------------------------------------------------- data


def _leaves(x: Any) -> list[Any]:
    leaves: list[Any] = keras.tree.flatten(x)
    return leaves


def _map(fn: Callable[..., Any], x: Any) -> Any:
    return keras.tree.map_structure(fn, x)


def _as_array(a: Any) -> np.ndarray:
    """An array view of `a` (no dtype change: the full data set is never copied, only the slices)."""
    if isinstance(a, np.ndarray):
        return a
    if type(a).__module__.startswith(("torch", "jax", "jaxlib")):
        arr: np.ndarray = keras.ops.convert_to_numpy(a)  # a tensor of the backend (on its device)
        return arr
    if hasattr(a, "numpy"):
        a = a.numpy()
    return np.asarray(a)


def to_numpy(a: Any) -> Any:
    """A backend tensor (or a structure of them) as NumPy, off the device and out of autograd."""
    return None if a is None else _map(keras.ops.convert_to_numpy, a)


def _cast(a: np.ndarray) -> np.ndarray:
    if a.dtype == np.float64 or a.dtype == np.float16 or a.dtype == object:
        return a.astype(np.float32)
    return a


def cast(x: Any) -> Any:
    return None if x is None else _map(_cast, x)


def to_arrays(x: Any) -> Any:
    if x is None:
        return None
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas
        x = x.to_numpy()
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (list, tuple, np.ndarray)) and not hasattr(x[0], "shape"):
        return _as_array(x)
    if isinstance(x, list) and x and all(isinstance(e, (list, tuple)) for e in x):
        return _as_array(x)
    return _map(_as_array, x)


def n_samples(x: Any) -> int:
    leaves = _leaves(x)
    return int(leaves[0].shape[0]) if leaves else 0


def take(x: Any, idx: np.ndarray) -> Any:
    if x is None:
        return None
    return _map(lambda a: a[idx], x)


def concat(parts: list[Any]) -> Any:
    if not parts:
        return None
    return keras.tree.map_structure(lambda *a: np.concatenate([np.asarray(v) for v in a], axis=0), *parts)


def _split_element(el: Any) -> tuple[Any, Any]:
    if isinstance(el, (tuple, list)) and len(el) in (2, 3):
        return el[0], el[1]
    if isinstance(el, (tuple, list)) and len(el) == 1:
        return el[0], None
    return el, None


def is_dataset(x: Any) -> bool:
    tf = sys.modules.get("tensorflow")  # a tf.data pipeline means the script imported TensorFlow itself
    return tf is not None and isinstance(x, tf.data.Dataset)


def pull_dataset(ds: Any, limit: int) -> tuple[Any, Any]:
    """Take up to `limit` samples from a tf.data dataset (batched or not)."""
    spec = ds.element_spec
    leaves = keras.tree.flatten(spec)
    batched = bool(leaves) and all(getattr(s, "shape", None) is not None and s.shape.rank and s.shape[0] is None
                                   for s in leaves)
    if not batched:
        ds = ds.batch(32)
    return _take(ds.take(max(1, limit)), limit)


def pull_iterable(it: Any, limit: int) -> tuple[Any, Any]:
    """Generators, iterators and keras.utils.PyDataset / Sequence: take batches until `limit` samples."""
    if hasattr(it, "__getitem__") and hasattr(it, "__len__"):
        source = (it[i] for i in range(len(it)))
    else:
        source = iter(it)
    return _take(itertools.islice(source, 10_000), limit)


def _take(elements: Iterable[Any], limit: int) -> tuple[Any, Any]:
    """(x, y) of the elements (batches or samples) concatenated, stopping once `limit` samples are in."""
    xs, ys, count = [], [], 0
    for el in elements:
        x, y = _split_element(el)
        x, y = to_arrays(x), to_arrays(y)
        xs.append(x)
        ys.append(y)
        count += n_samples(x)
        if count >= limit:
            break
    return concat(xs), (concat(ys) if ys and ys[0] is not None else None)


def pull(x: Any, y: Any, limit: int) -> tuple[Any, Any, str]:
    if is_dataset(x):
        xs, ys = pull_dataset(x, limit)
        return xs, ys, "tf.data"
    if hasattr(x, "__next__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__") and not hasattr(x, "shape")
                                   and not isinstance(x, (list, tuple, dict))):
        xs, ys = pull_iterable(x, limit)
        return xs, ys, "generator"
    return to_arrays(x), to_arrays(y), "arrays"


@dataclass
class Data:
    x_train: Any
    y_train: Any
    x_held: Any
    y_held: Any
    source: str
    held_from: str
    n_fit: int | None = None  # samples fit trains on per epoch (arrays only), for the user's own step count


def split(fit_args: dict[str, Any], n_train: int, n_held: int, seed: int) -> Data:
    d = _split(fit_args, n_train, n_held, seed)
    return Data(cast(d.x_train), cast(d.y_train), cast(d.x_held), cast(d.y_held), d.source, d.held_from, d.n_fit)


def user_steps(fit_args: dict[str, Any], n_fit: int | None) -> int | None:
    """How many optimizer steps the user's own `fit` call would take (epochs x steps per epoch), or None."""
    try:
        epochs = int(fit_args.get("epochs") or 1)
        spe = fit_args.get("steps_per_epoch")
        if isinstance(spe, int) and spe > 0:
            return epochs * spe
        if not n_fit:
            return None
        bs = fit_args.get("batch_size")
        bs = int(bs) if isinstance(bs, int) and bs > 0 else 32
        return epochs * int(math.ceil(n_fit / bs))
    except (TypeError, ValueError):
        return None


def _split(fit_args: dict[str, Any], n_train: int, n_held: int, seed: int) -> Data:
    x, y, source = pull(fit_args.get("x"), fit_args.get("y"), n_train + n_held)
    if x is None or n_samples(x) == 0:
        raise ValueError("no training samples could be read from the data given to fit")
    if y is None:
        raise ValueError("fit received no labels (y); the probe needs (x, y)")
    n = n_samples(x)
    rng = np.random.default_rng(seed)
    val = fit_args.get("validation_data")
    vsplit = float(fit_args.get("validation_split") or 0.0)
    if val is not None:
        if is_dataset(val) or hasattr(val, "__next__"):
            xv, yv, _ = pull(val, None, n_held)
        else:
            vx, vy = (val[0], val[1]) if isinstance(val, (tuple, list)) else (val, None)
            xv, yv = to_arrays(vx), to_arrays(vy)
        nv = n_samples(xv) if xv is not None else 0
        xv, yv = take(xv, np.arange(min(nv, n_held))), take(yv, np.arange(min(nv, n_held)))
        order = rng.permutation(n)[:n_train]
        return Data(take(x, order), take(y, order), xv, yv, source, "validation_data", n if source == "arrays" else None)
    if 0.0 < vsplit < 1.0 and source == "arrays":
        cut = int(n * (1.0 - vsplit))
        head = rng.permutation(cut)[:n_train]
        tail = np.arange(cut, n)[:n_held]
        return Data(take(x, head), take(y, head), take(x, tail), take(y, tail), source, "validation_split", cut)
    order = rng.permutation(n)
    held = min(n_held, n // 4) if n >= 16 else 0
    return Data(take(x, order[held:held + n_train]), take(y, order[held:held + n_train]),
                take(x, order[:held]) if held else None, take(y, order[:held]) if held else None, source, "split",
                n if source == "arrays" else None)


# ----------------------------------------------------------------------------- task


@dataclass
class Task:
    kind: str  # binary | sparse | categorical | regression | other
    from_logits: bool
    units: int
    classes: int
    loss_name: str


def _loss_name_and_logits(loss: Any) -> tuple[str, bool]:
    if loss is None:
        return "", False
    if isinstance(loss, (list, tuple)):
        loss = loss[0] if len(loss) == 1 else loss
        if isinstance(loss, (list, tuple)):
            return "multi", False
    if isinstance(loss, dict):
        return ("multi", False) if len(loss) != 1 else _loss_name_and_logits(next(iter(loss.values())))
    if isinstance(loss, str):
        return loss.lower(), False
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    logits = False
    try:
        logits = bool(loss.get_config().get("from_logits", False))
    except Exception:
        logits = bool(getattr(loss, "from_logits", False))
    return str(name).lower(), logits


def detect_task(model: Any, y: Any) -> Task:
    name, logits = _loss_name_and_logits(getattr(model, "loss", None))
    squashed = name.replace("_", "").replace(" ", "")
    out_shape = None
    try:
        out_shape = tuple(model.outputs[0].shape) if getattr(model, "outputs", None) else None
    except Exception:
        out_shape = None
    units = int(out_shape[-1]) if out_shape and out_shape[-1] is not None else 1
    if isinstance(y, np.ndarray) and out_shape is None:
        units = int(y.shape[-1]) if y.ndim > 1 else 1
    if "sparsecategorical" in squashed:
        kind, classes = "sparse", max(units, 2)
    elif "binary" in squashed or "focal" in squashed and "categorical" not in squashed:
        kind, classes = "binary", 2
    elif "categorical" in squashed or squashed in ("kldivergence", "kld", "kullbackleiblerdivergence"):
        kind, classes = "categorical", max(units, 2)
    elif any(k in squashed for k in ("meansquared", "meanabsolute", "mse", "mae", "mape", "msle", "huber",
                                      "logcosh", "cosine")):
        kind, classes = "regression", 0
    else:
        kind, classes = "other", 0
    if not isinstance(y, np.ndarray):
        kind = "other" if kind not in ("regression",) else kind
    return Task(kind, logits, units, classes, name)


def labels_of(task: Task, y: np.ndarray) -> np.ndarray | None:
    """Integer class labels (for balance, chance, stratification), or None for regression / other."""
    if not isinstance(y, np.ndarray):
        return None
    if task.kind == "binary":
        if task.units > 1 and y.ndim > 1 and y.shape[-1] > 1:
            return None  # multi-label
        return (y.reshape(len(y), -1)[:, 0] > 0.5).astype(np.int64)
    if task.kind == "sparse":
        return y.reshape(len(y), -1)[:, 0].astype(np.int64)
    if task.kind == "categorical":
        return np.argmax(y.reshape(len(y), -1), axis=-1).astype(np.int64) if y.ndim > 1 else y.astype(np.int64)
    return None


def accuracy(task: Task, y_pred: Any, y: Any) -> float | None:
    """Accuracy for classification; R^2 for regression; None when it cannot be defined."""
    if isinstance(y_pred, (list, tuple, dict)) or not isinstance(y, np.ndarray):
        return None
    p = np.asarray(y_pred, dtype=np.float64)
    if task.kind == "binary":
        cut = 0.0 if task.from_logits else 0.5
        if p.ndim > 1 and p.shape[-1] > 1 and y.ndim > 1 and y.shape[-1] == p.shape[-1]:
            return float(np.mean((p > cut) == (y > 0.5)))
        return float(np.mean((p.reshape(len(p), -1)[:, 0] > cut) == (y.reshape(len(y), -1)[:, 0] > 0.5)))
    if task.kind in ("sparse", "categorical"):
        pred = np.argmax(p.reshape(len(p), -1), axis=-1)
        true = labels_of(task, y)
        return float(np.mean(pred == true)) if true is not None and len(true) == len(pred) else None
    if task.kind == "regression":
        yt = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        pp = p.reshape(len(p), -1)
        if pp.shape != yt.shape:
            return None
        var = float(np.var(yt))
        if var <= 1e-12:
            return None
        return float(1.0 - np.mean((pp - yt) ** 2) / var)
    return None


def chance(task: Task, y: Any) -> float | None:
    """Accuracy of the best input-independent prediction (majority class; R^2 = 0)."""
    if task.kind == "regression":
        return 0.0
    lab = labels_of(task, y) if isinstance(y, np.ndarray) else None
    if lab is None or len(lab) == 0:
        return None
    return float(np.bincount(lab).max() / len(lab))


# ----------------------------------------------------------------------------- statistics


def input_stats(x: Any, task: Task, y: Any) -> Record:
    leaves = [a for a in _leaves(x) if isinstance(a, np.ndarray)]
    if not leaves:
        return {}
    a = leaves[0]
    flat = a.reshape(len(a), -1).astype(np.float64) if a.size else a.reshape(len(a), -1)
    finite = np.isfinite(flat)
    out: dict[str, Any] = {
        "shape": list(a.shape[1:]),
        "dtype": str(a.dtype),
        "min": float(np.min(flat)) if flat.size else None,
        "max": float(np.max(flat)) if flat.size else None,
        "mean": float(np.mean(flat)) if flat.size else None,
        "std": float(np.std(flat)) if flat.size else None,
        "nonfinite": int(flat.size - int(finite.sum())),
        "inputs": len(leaves),
    }
    if len(flat) >= 2:
        feat_std = np.std(flat, axis=0)
        out["constant_feature_fraction"] = float(np.mean(feat_std == 0.0))
        out["identical_samples"] = bool(np.all(flat == flat[0:1]))
    else:
        out["constant_feature_fraction"] = None
        out["identical_samples"] = None
    lab = labels_of(task, y) if isinstance(y, np.ndarray) else None
    if lab is not None and len(lab) == len(flat):
        classes = np.unique(lab)
        out["identical_across_classes"] = None
        if len(classes) >= 2:
            means = np.stack([flat[lab == c].mean(axis=0) for c in classes])
            within = [flat[lab == c] for c in classes]
            same = all(np.all(w == within[0][0:1]) for w in within)
            out["identical_across_classes"] = bool(same or np.allclose(means, means[0:1], atol=0.0, rtol=0.0)
                                                   and all(np.std(w, axis=0).max() == 0 for w in within))
    return out


def label_stats(y: Any, task: Task) -> Record:
    if not isinstance(y, np.ndarray):
        return {"encoding": "structured"}
    yy = y.reshape(len(y), -1) if y.ndim > 1 else y.reshape(len(y), 1)
    out: dict[str, Any] = {"shape": list(y.shape[1:]), "dtype": str(y.dtype),
                           "min": float(np.min(yy)) if yy.size else None,
                           "max": float(np.max(yy)) if yy.size else None,
                           "output_units": task.units}
    integral = bool(yy.size) and bool(np.all(np.isfinite(yy))) and bool(np.all(np.mod(yy, 1) == 0))
    if yy.shape[1] > 1 and integral and np.all((yy == 0) | (yy == 1)) and np.all(yy.sum(axis=1) == 1):
        out["encoding"] = "one-hot"
    elif yy.shape[1] == 1 and integral:
        out["encoding"] = "integer"
    elif yy.shape[1] > 1 and integral and np.all((yy == 0) | (yy == 1)):
        out["encoding"] = "multi-hot"
    else:
        out["encoding"] = "continuous"
    lab = labels_of(task, y)
    if lab is not None and len(lab):
        counts = np.bincount(lab)
        p = counts[counts > 0] / counts.sum()
        k = len(p)
        entropy = float(-(p * np.log(p)).sum())
        out["counts"] = {str(i): int(c) for i, c in enumerate(counts) if c}
        out["classes_seen"] = k
        out["balance"] = float(math.exp(entropy) / k) if k > 1 else 0.0  # normalised perplexity
        out["entropy"] = entropy
    if task.kind == "regression":
        out["variance"] = float(np.var(yy))
        out["mean"] = float(np.mean(yy)) if yy.size else None
        out["std"] = float(np.std(yy)) if yy.size else None
    if out["encoding"] == "continuous" and yy.size and bool(np.all(np.isfinite(yy))):
        for factor in (255.0, 256.0, 100.0, 10.0):  # labels divided by a constant (e.g. y / 255 like the images)
            scaled = yy.astype(np.float64) * factor
            if np.all(np.abs(scaled - np.round(scaled)) < 1e-3) and len(np.unique(np.round(scaled))) <= 1000:
                out["integer_scale"] = factor
                break
    out["distinct"] = int(min(len(np.unique(yy[:, 0])), 1001)) if yy.size else 0
    problems = []
    if task.kind == "binary" and (out["min"] < 0 or out["max"] > 1):
        problems.append(f"binary crossentropy needs labels in [0, 1]; labels span {out['min']:g}..{out['max']:g}")
    if task.kind == "sparse":
        if out["encoding"] == "one-hot":
            problems.append("sparse categorical crossentropy expects integer labels, not one-hot rows")
        elif out["max"] is not None and out["max"] >= task.units:
            problems.append(f"labels go up to {out['max']:g} but the output has {task.units} units "
                            f"(classes 0..{task.units - 1})")
        elif out["min"] is not None and out["min"] < 0:
            problems.append("negative class labels")
    if task.kind == "categorical":
        if out["encoding"] == "integer":
            problems.append("categorical crossentropy expects one-hot labels; these are integers "
                            "(use sparse_categorical_crossentropy or to_categorical)")
        elif yy.shape[1] != task.units:
            problems.append(f"one-hot width {yy.shape[1]} differs from the {task.units} output units")
    if task.kind == "binary" and task.units == 1 and out.get("classes_seen", 0) > 2:
        problems.append("more than two classes with a one-unit binary output")
    out["problems"] = problems
    return out


# ----------------------------------------------------------------------------- layers


def _act_name(fn: Any) -> str | None:
    if fn is None:
        return None
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return str(name).lower()


def layer_activation(layer: Any) -> str | None:
    cls = type(layer).__name__
    if cls == "ReLU":
        return "relu"
    if cls in ("LeakyReLU", "PReLU", "ELU"):
        return cls.lower()
    act = getattr(layer, "activation", None)
    return _act_name(act)


def layer_info(model: Any) -> list[Record]:
    out: list[Record] = []
    layers = list(getattr(model, "layers", []))
    for i, layer in enumerate(layers):
        out.append({"name": layer.name, "kind": type(layer).__name__, "line": getattr(layer, "_probe_line", None),
                    "activation": layer_activation(layer), "params": int(sum(int(np.prod(v.shape)) for v in layer.trainable_weights)),
                    "output": i == len(layers) - 1})
    return out


def pred_summary(task: Task, pred: Any, y: Any) -> Record:
    """How varied the model's predictions are: classes it predicts (classification) or the spread of its
    outputs against the targets' (regression). A model that predicts one class or a constant has collapsed."""
    if isinstance(pred, (list, tuple, dict)) or pred is None or not isinstance(y, np.ndarray):
        return {}
    p = np.asarray(pred, dtype=np.float64).reshape(len(pred), -1)
    out: dict[str, Any] = {"samples": int(len(p))}
    if task.kind == "binary" and p.shape[1] == 1:
        cut = 0.0 if task.from_logits else 0.5
        cls = (p[:, 0] > cut).astype(np.int64)
    elif task.kind in ("sparse", "categorical"):
        cls = np.argmax(p, axis=-1)
    else:
        cls = None
    if cls is not None and len(cls):
        counts = np.bincount(cls)
        out["classes_predicted"] = int(np.count_nonzero(counts))
        out["top_fraction"] = float(counts.max() / len(cls))
    if task.kind == "regression":
        yt = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        out["pred_std"] = float(np.std(p, axis=0).mean())
        out["target_std"] = float(np.std(yt, axis=0).mean())
        out["pred_min"], out["pred_max"] = float(p.min()), float(p.max())
    return out


def activation_stats(model: Any, x: Any) -> list[Record] | None:
    """Per top-level layer: saturation (sigmoid/tanh) and dead-unit fraction (ReLU), inference mode."""
    layers = list(getattr(model, "layers", []))
    if not layers:
        return None
    try:
        with no_grad(model_backend(model)):
            outputs = _layer_outputs(model, layers, x)
    except Exception:
        return None
    return _activation_stats(layers, outputs)


def _layer_outputs(model: Any, layers: list[Any], x: Any) -> list[Any]:
    """Each top-level layer's output on `x`, inference mode (None for an InputLayer)."""
    if type(model).__name__ == "Sequential":
        h = keras.ops.convert_to_tensor(x) if not isinstance(x, (dict, list, tuple)) else x
        outputs = []
        for layer in layers:
            h = layer(h, training=False)
            outputs.append(h)
        return outputs
    feat = keras.Model(model.inputs, [l.output for l in layers if not isinstance(l, keras.layers.InputLayer)])
    got = feat(x, training=False)
    got = got if isinstance(got, (list, tuple)) else [got]
    it = iter(got)
    return [None if isinstance(l, keras.layers.InputLayer) else next(it) for l in layers]


def _activation_stats(layers: list[Any], outputs: list[Any]) -> list[Record]:
    """Saturation of sigmoid/tanh-like layers (beyond |pre-activation| SAT_PREACT) and dead ReLU units."""
    stats = []
    for layer, out in zip(layers, outputs):
        act = layer_activation(layer)
        entry: dict[str, Any] = {"name": layer.name, "saturation": None, "dead_fraction": None}
        if out is None or isinstance(out, (list, tuple, dict)):
            stats.append(entry)
            continue
        a = np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)
        if act in SATURATING:
            if act in ("sigmoid", "hard_sigmoid"):
                lo, hi = 1 / (1 + math.exp(SAT_PREACT)), 1 / (1 + math.exp(-SAT_PREACT))
                entry["saturation"] = float(np.mean((a <= lo) | (a >= hi)))
            elif act in ("tanh", "hard_tanh"):
                entry["saturation"] = float(np.mean(np.abs(a) >= math.tanh(SAT_PREACT)))
            else:  # softsign
                entry["saturation"] = float(np.mean(np.abs(a) >= SAT_PREACT / (1 + SAT_PREACT)))
        if act in RELU_LIKE and a.ndim >= 2:
            units = a.reshape(-1, a.shape[-1])
            entry["dead_fraction"] = float(np.mean(np.all(units <= 0.0, axis=0)))
        stats.append(entry)
    return stats


# ----------------------------------------------------------------------------- training


def model_backend(model: Any) -> str:
    """The backend that trains `model`: TensorFlow for a Keras 2 model (tf_keras), else Keras 3's own."""
    if any(c.__module__.startswith("tf_keras") for c in type(model).__mro__):
        return "tensorflow"
    name: str = keras.backend.backend()
    return name


def no_grad(backend: str) -> Any:
    """PyTorch: no autograd graph for inference (as Keras's own predict); elsewhere nothing to do."""
    if backend == "torch":
        import torch

        return torch.no_grad()
    import contextlib

    return contextlib.nullcontext()


def _sq(a: Any) -> Any:
    ops = keras.ops
    return ops.sum(ops.square(ops.cast(a, "float32")))


def _norms(grads: list[Any], old: list[Any], new: list[Any], groups: list[list[int]]) -> tuple[Any, Any]:
    """Per group of variables (a top-level layer): the gradient's L2 norm, and the update's size relative
    to the weights, ||new - old|| / ||old||. Written in keras.ops: it runs inside each backend's step."""
    ops = keras.ops
    sq = [_sq(g) if g is not None else ops.zeros((), "float32") for g in grads]
    dsq = [_sq(ops.subtract(n, o)) for n, o in zip(new, old)]
    wsq = [_sq(o) for o in old]

    def total(parts: list[Any], idx: list[int]) -> Any:
        return ops.sum(ops.stack([parts[i] for i in idx]))

    gn = ops.stack([ops.sqrt(total(sq, g)) for g in groups])
    un = ops.stack([ops.sqrt(total(dsq, g)) / (ops.sqrt(total(wsq, g)) + 1e-12) for g in groups])
    return gn, un


class Trainer:
    """One compiled model, its initial weights and a train step compiled once (batch dimension free).

    The step is the backend's own: TensorFlow takes gradients with `tf.GradientTape` inside a
    `tf.function` (also for Keras 2 models through tf_keras); JAX with `jax.value_and_grad` over the
    model's stateless loss (`compute_loss_and_updates`: `stateless_call` + the compiled loss, what Keras's
    own JAX trainer differentiates) and the optimizer's `stateless_apply`, under `jax.jit`, the state held here and written back to the
    model's variables when something reads them (`sync`); PyTorch with `loss.backward()` and the
    optimizer's `apply`, eagerly (Keras's own default there). Every phase measures the same things
    (loss, predictions, per-layer gradient norms and update ratios) on each backend."""

    def __init__(self, model: Any, x: Any, y: Any, init_weights: list[Any] | None = None) -> None:
        self.model = model
        self.backend = model_backend(model)
        if not model.built:
            model(take(x, np.arange(min(2, n_samples(x)))))
        opt = model.optimizer
        self.opt = opt
        self.tvars = list(model.trainable_variables)
        if not self.tvars:
            raise ValueError("the model has no trainable weights")
        if init_weights is not None and [tuple(w.shape) for w in init_weights] == [tuple(v.shape) for v in model.weights]:
            for v, w in zip(model.weights, init_weights):
                v.assign(w)
            self.same_init = True
        else:
            self.same_init = init_weights is None
        self.init_weights = [np.array(v.numpy()) for v in model.weights]
        weight_ids = {id(v) for v in model.weights}
        self.seed_init = [(v, np.array(v.numpy())) for v in getattr(model, "variables", [])
                          if id(v) not in weight_ids and "seed_generator" in str(getattr(v, "path", v.name))]
        if not getattr(opt, "built", getattr(opt, "_built", False)):  # (tf_keras: `_built`)
            opt.build(self.tvars)
        self._lr_var: Any = getattr(opt, "_learning_rate", None)  # a Keras variable when lr_is_variable
        self.lr_is_variable = hasattr(self._lr_var, "assign")
        self.init_lr = float(keras.ops.convert_to_numpy(opt.learning_rate)) if self.lr_is_variable else None
        self.opt_init = [(v, np.array(v.numpy())) for v in opt.variables if v is not self._lr_var]
        # group trainable variables by top-level layer
        index = {id(v): i for i, v in enumerate(self.tvars)}
        self.groups: list[tuple[str, list[int]]] = []
        seen: set[int] = set()
        for layer in model.layers:
            idx = [index[id(v)] for v in layer.trainable_weights if id(v) in index and id(v) not in seen]
            seen.update(id(self.tvars[i]) for i in idx)
            if idx:
                self.groups.append((layer.name, idx))
        rest = [i for i, v in enumerate(self.tvars) if id(v) not in seen]
        if rest:
            self.groups.append(("(other)", rest))
        self.stochastic = any(type(l).__name__.startswith(("Dropout", "BatchNorm", "SpatialDropout", "GaussianNoise",
                                                           "GaussianDropout", "AlphaDropout"))
                              for l in model._flatten_layers() if l is not model) if hasattr(model, "_flatten_layers") else True
        self._state: list[Any] | None = None  # JAX: (trainable, non-trainable, optimizer, metrics) values
        self._dirty = False  # JAX: the state is newer than the model's variables
        self._predict: Callable[..., Any] | None = None  # JAX: the jitted inference call
        build = {"tensorflow": self._tf_step, "jax": self._jax_step, "torch": self._torch_step}.get(self.backend)
        if build is None:
            raise ValueError(f"the probe cannot train on Keras's '{self.backend}' backend")
        self.step = build(x, y)
        self.trace_s = 0.0

    # ---- the step, per backend: each returns (loss, predictions, gradient norms, update ratios)

    def _loss_kwargs(self) -> dict[str, Any]:
        import inspect

        try:
            params = inspect.signature(self.model.compute_loss).parameters
        except (TypeError, ValueError):
            return {}
        return {"training": True} if "training" in params else {}  # (tf_keras has no `training` here)

    def _tf_step(self, x: Any, y: Any) -> Any:
        import tensorflow as tf

        model, opt, tvars = self.model, self.opt, self.tvars
        groups = [g for _, g in self.groups]
        kw = self._loss_kwargs()

        def step(xb: Any, yb: Any) -> tuple[Any, Any, Any, Any]:
            with tf.GradientTape() as tape:
                yp = model(xb, training=True)
                loss = model.compute_loss(x=xb, y=yb, y_pred=yp, **kw)
            grads = tape.gradient(loss, tvars)
            old = [tf.identity(v) for v in tvars]
            opt.apply_gradients([(g, v) for g, v in zip(grads, tvars) if g is not None])
            gn, un = _norms(grads, old, tvars, groups)
            return loss, yp, gn, un

        def spec(a: np.ndarray) -> Any:
            return tf.TensorSpec(shape=(None,) + tuple(a.shape[1:]), dtype=tf.as_dtype(a.dtype))

        return tf.function(step, input_signature=[_map(spec, x), _map(spec, y)], reduce_retracing=True)

    def _jax_step(self, x: Any, y: Any) -> Any:
        import jax

        model, opt = self.model, self.opt
        groups = [g for _, g in self.groups]

        def loss_fn(tv: Any, ntv: Any, mv: Any, ov: Any, xb: Any, yb: Any) -> tuple[Any, Any]:  # Keras's own stateless loss (stateless_call + compute_loss)
            loss, (unscaled, yp, ntv, mv) = model.compute_loss_and_updates(
                tv, ntv, mv, xb, yb, None, training=True, optimizer_variables=ov)
            return loss, (unscaled, yp, ntv, mv)

        grad_fn = jax.value_and_grad(loss_fn, has_aux=True)

        def step(tv: Any, ntv: Any, ov: Any, mv: Any, xb: Any, yb: Any) -> tuple[Any, Any, Any, Any, list[Any]]:
            (_, (loss, yp, ntv, mv)), grads = grad_fn(tv, ntv, mv, ov, xb, yb)
            new_tv, ov = opt.stateless_apply(ov, grads, tv)
            gn, un = _norms(grads, tv, new_tv, groups)
            return loss, yp, gn, un, [new_tv, ntv, ov, mv]

        self._load()
        return jax.jit(step)

    def _torch_step(self, x: Any, y: Any) -> Any:
        import torch

        model, opt, tvars = self.model, self.opt, self.tvars
        groups = [g for _, g in self.groups]
        ops = keras.ops

        def step(xb: Any, yb: Any) -> tuple[Any, Any, Any, Any]:
            xb, yb = _map(ops.convert_to_tensor, xb), _map(ops.convert_to_tensor, yb)
            yp = model(xb, training=True)
            model.zero_grad()
            loss = model.compute_loss(x=xb, y=yb, y_pred=yp, training=True)
            loss.backward()
            grads = [v.value.grad for v in tvars]
            with torch.no_grad():
                old = [v.value.detach().clone() for v in tvars]
                opt.apply(grads, tvars)
                gn, un = _norms(grads, old, [v.value for v in tvars], groups)
            return loss.detach(), _map(lambda t: t.detach(), yp), gn, un

        return step

    # ---- JAX's state <-> the model's variables

    def _jax_vars(self) -> list[list[Any]]:
        m = self.model
        return [self.tvars, list(m.non_trainable_variables), list(self.opt.variables), list(m.metrics_variables)]

    def _load(self) -> None:
        """JAX: the state from the model's (and optimizer's) variables."""
        self._state = [[v.value for v in group] for group in self._jax_vars()]
        self._dirty = False

    def sync(self) -> None:
        """Write the trained state into the model's variables (JAX keeps it in the trainer between steps),
        so that the model itself (activation statistics, a clone) sees the trained weights."""
        if self._dirty and self._state is not None:
            for group, values in zip(self._jax_vars(), self._state):
                for v, a in zip(group, values):
                    v.assign(a)
            self._dirty = False

    # ---- phases

    def adopt(self, model: Any, init_weights: list[Any] | None = None) -> None:
        """Train `model`'s setup with this (already traced) trainer: same architecture, optimizer and loss
        (see `setup_key`); the initial weights and learning rate come from `model` (or `init_weights`)."""
        self.sync()
        src = init_weights if init_weights is not None else [v.numpy() for v in model.weights]
        self.init_weights = [np.array(w) for w in src]
        lr_var: Any = getattr(model.optimizer, "_learning_rate", None)
        if self.lr_is_variable and hasattr(lr_var, "numpy"):
            self.init_lr = float(np.asarray(lr_var.numpy()))
        self.same_init = True

    def reset(self, seed: int, lr: float | None = None) -> None:
        """Back to the initial weights, a fresh optimizer state and the initial dropout seeds.

        (No global reseeding here: tf.random.set_seed clears TensorFlow's function caches, which makes
        the next step cost as much as a trace.)"""
        for v, w in zip(self.model.weights, self.init_weights):
            v.assign(w)
        for v, w in self.seed_init:
            v.assign(w)
        for v, w in self.opt_init:
            v.assign(w)
        if self.lr_is_variable:
            self._lr_var.assign(self.init_lr if lr is None else lr)
        if self.backend == "jax":
            self._load()

    def set_lr(self, lr: float) -> None:
        if self.backend == "jax":
            self.sync()
            self._lr_var.assign(lr)
            self._load()
        else:
            self._lr_var.assign(lr)

    def _jax_state(self) -> list[Any]:
        if self._state is None:  # (never: _load runs when the JAX step is made and on every reset)
            raise RuntimeError("the JAX trainer has no state")
        return self._state

    def run_step(self, xb: Any, yb: Any) -> tuple[float, Any, np.ndarray, np.ndarray]:
        t = time.perf_counter()
        if self.backend == "jax":
            loss, yp, gn, un, self._state = self.step(*self._jax_state(), xb, yb)
            self._dirty = True
        else:
            loss, yp, gn, un = self.step(xb, yb)
        out = (float(keras.ops.convert_to_numpy(loss)), to_numpy(yp),
               np.asarray(keras.ops.convert_to_numpy(gn), dtype=np.float64),
               np.asarray(keras.ops.convert_to_numpy(un), dtype=np.float64))
        self.last_step_s = time.perf_counter() - t
        return out

    def predict(self, x: Any) -> Any:
        """The model's outputs on `x` in inference mode, in chunks of PREDICT_CHUNK rows. On JAX, a jitted
        `stateless_call` on chunks padded to PREDICT_CHUNK rows (one compilation for every call)."""
        outs: list[Any] = []
        n = n_samples(x)
        if self.backend == "jax":
            if self._predict is None:
                import jax

                model = self.model
                self._predict = jax.jit(lambda tv, ntv, xb: model.stateless_call(tv, ntv, xb, training=False)[0])
            for s in range(0, n, PREDICT_CHUNK):
                idx = np.arange(s, s + PREDICT_CHUNK).clip(max=n - 1)  # the last row repeated: rows are independent
                state = self._jax_state()
                out = self._predict(state[0], state[1], take(x, idx))
                outs.append(_map(lambda a, k=min(n - s, PREDICT_CHUNK): np.asarray(a)[:k], out))
        else:
            with no_grad(self.backend):
                for s in range(0, n, PREDICT_CHUNK):
                    outs.append(to_numpy(self.model(take(x, np.arange(s, min(n, s + PREDICT_CHUNK))), training=False)))
        return np.concatenate(outs, axis=0) if outs else None


def _standardise(a: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    out: np.ndarray = ((a - mean) / std).astype(np.float32)
    return out


def _stats(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, dtype=np.float64)
    mean = a.mean(axis=0)
    std = a.std(axis=0)
    return mean, np.where(std > 1e-12, std, 1.0)


def repair_data(atoms: list[str], data: Data) -> Data:
    """The data with the repair's data atoms applied (statistics from the training slice)."""
    from dataclasses import replace

    out = data
    for atom in atoms:
        if atom == "std_x":
            leaves = _leaves(out.x_train)
            if len(leaves) != 1 or not np.issubdtype(leaves[0].dtype, np.floating) and not np.issubdtype(
                    leaves[0].dtype, np.integer):
                raise ValueError("standardising needs one numeric input array")
            mean, std = _stats(leaves[0])
            out = replace(out, x_train=_standardise(out.x_train, mean, std),
                          x_held=None if out.x_held is None else _standardise(out.x_held, mean, std))
        elif atom == "std_y":
            mean, std = _stats(out.y_train)
            out = replace(out, y_train=_standardise(out.y_train, mean, std),
                          y_held=None if out.y_held is None else _standardise(out.y_held, mean, std))
        elif atom == "relabel":  # labels -> 0..k-1 in their order (e.g. -1/1 -> 0/1, 1..10 -> 0..9)
            values = np.unique(out.y_train if out.y_held is None else np.concatenate(
                [np.ravel(out.y_train), np.ravel(out.y_held)]))

            def rl(y: np.ndarray | None) -> np.ndarray | None:
                return None if y is None else np.searchsorted(values, y).astype(np.float32 if y.dtype.kind == "f" else np.int64)
            out = replace(out, y_train=rl(out.y_train), y_held=rl(out.y_held))
        elif atom.startswith("labels_x"):
            f = float(atom[len("labels_x"):])

            def sc(y: np.ndarray | None) -> np.ndarray | None:
                return None if y is None else np.round(np.asarray(y, dtype=np.float64) * f).astype(np.float32)
            out = replace(out, y_train=sc(out.y_train), y_held=sc(out.y_held))
    return out


MODEL_ATOMS = {"adam", "linear_out", "relu_he", "bn_first", "multi_hot_sigmoid", "binary_to_softmax"}


def repair_model(atoms: list[str], model: Any, data: Data) -> Any:
    """A clone of `model` with the repair's model atoms applied, compiled (fresh optimizer); or `model`
    itself when no atom changes the model."""
    atoms = [a for a in atoms if a in MODEL_ATOMS]
    if not atoms:
        return model
    last = model.layers[-1].name if model.layers else None
    loss = model.loss
    classes = None
    if "multi_hot_sigmoid" in atoms:
        loss = "binary_crossentropy"
    if "binary_to_softmax" in atoms:
        classes = int(np.max(data.y_train)) + 1
        loss = "sparse_categorical_crossentropy"

    def clone_fn(layer: Any) -> Any:
        cfg = layer.get_config()
        if layer.name == last:
            if "linear_out" in atoms and "activation" in cfg:
                cfg["activation"] = "linear"
            if "multi_hot_sigmoid" in atoms and "activation" in cfg:
                cfg["activation"] = "sigmoid"
            if classes is not None and "units" in cfg:
                cfg["units"], cfg["activation"] = classes, "softmax"
        elif "relu_he" in atoms and cfg.get("activation") in SATURATING:
            cfg["activation"] = "relu"
            if "kernel_initializer" in cfg:
                cfg["kernel_initializer"] = "he_normal"
        return layer.__class__.from_config(cfg)

    clone = keras.models.clone_model(model, clone_function=clone_fn)
    if "bn_first" in atoms:
        if type(model).__name__ != "Sequential":
            raise ValueError("a first BatchNormalization is tried on Sequential models only")
        shape = tuple(_leaves(data.x_train)[0].shape[1:])
        clone = keras.Sequential([keras.Input(shape), keras.layers.BatchNormalization()] +
                                 [l for l in clone.layers])
    if "adam" in atoms:
        opt = keras.optimizers.Adam(1e-3)
    else:
        opt = type(model.optimizer).from_config(model.optimizer.get_config())
    clone.compile(optimizer=opt, loss=loss)
    return clone


def relu_clone(model: Any, names: set[str]) -> Any:
    """The same model with 'relu' in the named layers, compiled like the original (fresh optimizer)."""
    def clone_fn(layer: Any) -> Any:
        cfg = layer.get_config()
        if layer.name in names and "activation" in cfg:
            cfg["activation"] = "relu"
        return layer.__class__.from_config(cfg)

    clone = keras.models.clone_model(model, clone_function=clone_fn)
    opt = type(model.optimizer).from_config(model.optimizer.get_config())
    clone.compile(optimizer=opt, loss=model.loss)
    return clone


def setup_key(model: Any, x: Any, y: Any) -> str | None:
    """A fingerprint of what a traced train step depends on: architecture, optimizer (its learning rate
    aside, when that is a plain variable), loss, input/label specs. None when it cannot be trusted
    (subclassed models, custom layers, anything without a config)."""
    try:
        if type(model).__name__ not in ("Sequential", "Functional"):
            return None
        for layer in model._flatten_layers(include_self=False):
            if not type(layer).__module__.startswith("keras."):
                return None
        opt = model.optimizer
        if not type(opt).__module__.startswith("keras."):
            return None
        ocfg = dict(opt.get_config())
        if hasattr(getattr(opt, "_learning_rate", None), "assign"):
            ocfg.pop("learning_rate", None)
        loss = model.loss
        if isinstance(loss, str):
            lcfg: Any = loss
        elif hasattr(loss, "get_config") and type(loss).__module__.startswith("keras."):
            lcfg = [type(loss).__name__, loss.get_config()]
        else:
            return None
        specs = [(list(a.shape[1:]), str(a.dtype)) for a in _leaves(x) + _leaves(y)]
        blob = json.dumps([model.get_config(), type(opt).__name__, ocfg, lcfg, specs], sort_keys=True, default=repr)
        return hashlib.sha1(blob.encode()).hexdigest()
    except Exception:
        return None


def stratified_batch(task: Task, y: Any, size: int, seed: int) -> np.ndarray:
    n = len(y) if isinstance(y, np.ndarray) else n_samples(y)
    size = min(size, n)
    lab = labels_of(task, y) if isinstance(y, np.ndarray) else None
    if lab is None:
        return np.arange(size)
    by_class = [[int(i) for i in np.flatnonzero(lab == c)] for c in np.unique(lab)]
    picked: list[int] = []
    while len(picked) < size:
        for members in by_class:
            if members and len(picked) < size:
                picked.append(members.pop(0))
        if not any(by_class):
            break
    return np.array(sorted(picked))


def _flat(window: list[float]) -> bool:
    lo, hi = min(window), max(window)
    return hi - lo <= 1e-3 * max(abs(sum(window) / len(window)), 1e-3)


def fit_batch(tr: Trainer, task: Task, xb: Any, yb: Any, *, max_steps: int, deadline: float, seed: int,
              lr: float | None = None, progress: Callable[[float], None] | None = None, stall_window: int = 20) -> Record:
    """Drive one small batch towards >= 95% accuracy (R^2 >= 0.95); record the loss and per-layer norms."""
    tr.reset(seed, lr)
    losses: list[float] = []
    accs: list[float | None] = []
    gnorms: list[list[float]] = []
    updates: list[list[float]] = []
    steps_to_fit = None
    nonfinite = False
    error = None
    stop = "budget"
    t0 = time.perf_counter()
    first_s = None
    for k in range(max_steps):
        if time.perf_counter() > deadline:
            stop = "time"
            break
        try:
            loss, yp, gn, un = tr.run_step(xb, yb)
        except Exception as exc:  # the loss rejects the labels (out-of-range class, shapes): a measurement too
            error = step_error(exc)
            stop = "error"
            break
        if first_s is None:
            first_s = time.perf_counter() - t0
            deadline += first_s  # the first step may include a trace: it does not count against the budget
        acc = accuracy(task, yp, yb)
        losses.append(loss)
        accs.append(acc)
        gnorms.append([float(v) for v in gn])
        updates.append([float(v) for v in un])
        if not math.isfinite(loss) or not np.all(np.isfinite(gn)):
            nonfinite = True
            stop = "nonfinite"
            break
        if acc is not None and (acc >= FIT_ACCURACY or (tr.stochastic and k % 10 == 9)):
            # confirm on the weights after this update, in inference mode (no dropout, BN statistics)
            if (accuracy(task, tr.predict(xb), yb) or 0.0) >= FIT_ACCURACY:
                steps_to_fit = k + 1
                stop = "fitted"
                break
        if k + 1 >= stall_window and _flat(losses[-stall_window:]):
            stop = "stalled"  # the loss has not moved for `stall_window` steps: nothing is changing
            break
        if progress is not None and k % 10 == 0:
            progress(min(1.0, (k + 1) / max_steps))
    else:
        stop = "steps"
    try:
        final_pred = tr.predict(xb)
    except Exception:
        final_pred = None
    final_acc = accuracy(task, final_pred, yb) if final_pred is not None else None
    return {
        "error": error,
        "predictions": pred_summary(task, final_pred, yb),
        "steps": len(losses),
        "fitted": steps_to_fit is not None,
        "steps_to_fit": steps_to_fit,
        "stop": stop,
        "nonfinite": nonfinite,
        "loss": [_r(v) for v in losses],
        "accuracy": [None if a is None else round(a, 4) for a in accs],
        "init_loss": _r(losses[0]) if losses else None,
        "final_loss": _r(losses[-1]) if losses else None,
        "min_loss": _r(min((v for v in losses if math.isfinite(v)), default=float("nan"))),
        "final_accuracy": final_acc,
        "grad_norms": gnorms,
        "update_ratios": updates,
        "seconds": round(time.perf_counter() - t0, 3),
        "first_step_s": round(first_s or 0.0, 3),
    }


def step_error(exc: BaseException) -> str:
    """The last line of a training-step exception (TensorFlow's messages carry a long graph trace)."""
    lines = [l.strip() for l in str(exc).strip().splitlines() if l.strip()]
    text = lines[-1] if lines else type(exc).__name__
    for l in lines:  # TensorFlow: "Received a label value of 5 which is outside the valid range of [0, 5)."
        if "label value" in l or "shapes" in l.lower() or "incompatible" in l.lower():
            text = l
            break
    return f"{type(exc).__name__}: {text[:300]}"


def _r(v: float | None) -> float | None:
    if v is None:
        return None
    if not math.isfinite(v):
        return None if math.isnan(v) else (1e30 if v > 0 else -1e30)
    return float(f"{v:.6g}")


def held_out(tr: Trainer, task: Task, data: Data, *, batch: int, max_steps: int, deadline: float, seed: int,
             lr: float | None = None, user_steps: int | None = None) -> Record:
    """Train briefly on the training slice, then measure accuracy on the held-out slice against chance."""
    if data.x_held is None or n_samples(data.x_held) < 8:
        return {"skipped": "too few samples for a held-out slice"}
    tr.reset(seed, lr)
    n = n_samples(data.x_train)
    rng = np.random.default_rng(seed + 1)
    order = rng.permutation(n)
    pos = 0
    losses = []
    t0 = time.perf_counter()
    steps = 0
    at_user = None
    for steps in range(1, max_steps + 1):
        if time.perf_counter() > deadline:
            break
        if pos + batch > n:
            order, pos = rng.permutation(n), 0
        idx = order[pos:pos + batch]
        pos += batch
        t_step = time.perf_counter()
        try:
            loss, _, _, _ = tr.run_step(take(data.x_train, idx), take(data.y_train, idx))
        except Exception as exc:
            return {"skipped": "training failed: " + step_error(exc)}
        if steps == 1:
            deadline += time.perf_counter() - t_step
        losses.append(loss)
        if user_steps is not None and steps == user_steps and steps < max_steps:
            at_user = accuracy(task, tr.predict(data.x_train), data.y_train)
        if not math.isfinite(loss):
            break
    train_pred = tr.predict(data.x_train)
    train_acc = accuracy(task, train_pred, data.y_train)
    held_acc = accuracy(task, tr.predict(data.x_held), data.y_held)
    ch = chance(task, data.y_held)
    nh = n_samples(data.x_held)
    margin = None
    if ch is not None and task.kind != "regression":
        margin = 1.645 * math.sqrt(max(ch * (1 - ch), 1e-6) / nh)  # one-sided 95% above chance
    return {
        "steps": steps, "batch": batch, "train_samples": n, "held_out_samples": nh, "held_from": data.held_from,
        "train_accuracy": train_acc, "held_out_accuracy": held_acc, "chance": ch, "margin": margin,
        "above_chance": (held_acc is not None and ch is not None and margin is not None and held_acc > ch + margin)
        if task.kind != "regression" else (held_acc is not None and held_acc > 0.1),
        "final_loss": _r(losses[-1]) if losses else None,
        "loss": [_r(v) for v in losses],
        "user_steps": user_steps, "train_accuracy_at_user_steps": at_user,
        "predictions": pred_summary(task, train_pred, data.y_train),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def lr_range(tr: Trainer, task: Task, xb: Any, yb: Any, *, steps: int, deadline: float, seed: int,
             low: float = 1e-5, high: float = 1.0) -> Record:
    """Leslie Smith's range test on the batch: raise the rate exponentially each step, read the loss."""
    if not tr.lr_is_variable:
        return {"skipped": "the learning rate is a schedule"}
    tr.reset(seed)
    rates = np.geomspace(low, high, steps)
    losses: list[float] = []
    used: list[float] = []
    for lr in rates:
        if time.perf_counter() > deadline:
            break
        tr.set_lr(float(lr))
        t_step = time.perf_counter()
        try:
            loss, _, _, _ = tr.run_step(xb, yb)
        except Exception as exc:
            return {"skipped": "training failed: " + step_error(exc)}
        if not used:
            deadline += time.perf_counter() - t_step
        used.append(float(lr))
        losses.append(loss)
        if not math.isfinite(loss) or (len(losses) > 5 and loss > 4 * min(losses)):
            break
    if len(losses) < 5:
        return {"skipped": "too few steps", "rates": used, "loss": [_r(v) for v in losses]}
    sm: list[float] = []
    avg: float | None = None
    for v in losses:
        v = v if math.isfinite(v) else 1e30
        avg = v if avg is None else 0.7 * avg + 0.3 * v
        sm.append(avg)
    best = int(np.argmin(sm))
    slope = np.diff(np.array(sm)) / np.diff(np.log10(np.array(used)))
    steepest = int(np.argmin(slope[: max(1, best)])) if best > 0 else 0
    suggested = used[best] / 10.0
    return {"rates": [float(f"{r:.3g}") for r in used], "loss": [_r(v) for v in losses],
            "best_rate": used[best], "steepest_rate": used[steepest], "suggested": float(f"{suggested:.2g}"),
            "init_loss": _r(sm[0]), "min_loss": _r(sm[best])}
