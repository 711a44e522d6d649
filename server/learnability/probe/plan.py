"""Which measured causes to test and which repairs to try: pure functions over the worker's measurement
record (the JSON-able dict of the as-written run).

Standard library only: the worker (`harness.py`, in the user's interpreter) loads this file by path to
choose its experiments, and the report (`report.py`, in the parent) imports it to explain them, so both
sides read the same definitions. The policy (what counts as learning) lives in `report.py`.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

# the worker's measurement record (measure.py's JSON-able dict; report.py reads it the same way)
Info = Mapping[str, Any]
Remedy = tuple[str, list[str], str]  # (check id or repair key, the atoms of the remedy, what it changes)

BOUNDED = {"sigmoid": (0.0, 1.0), "hard_sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0),
           "softsign": (-1.0, 1.0), "relu": (0.0, None), "relu6": (0.0, 6.0), "softplus": (0.0, None),
           "elu": (-1.0, None), "exponential": (0.0, None)}
SATURATING = {"sigmoid", "tanh", "hard_sigmoid", "softsign", "hard_tanh"}
TARGET_SCALE = 100.0  # regression targets with |mean| or std beyond this: standardise them

# the generic catalog, smallest change first: (key, atoms, what it changes)
GENERIC = [
    ("lr_x10", ["lr_x10"], "learning rate x10"),
    ("lr_div10", ["lr_div10"], "learning rate /10"),
    ("adam", ["adam"], "Adam(1e-3) instead of the optimizer"),
    ("std_x", ["std_x"], "standardised inputs"),
    ("std_y", ["std_y"], "standardised targets"),
    ("relu_he", ["relu_he"], "relu + He initialisation in the hidden layers"),
    ("bn_first", ["bn_first"], "a first BatchNormalization layer"),
]
DESCRIBE = {key: text for key, _, text in GENERIC}
DESCRIBE.update({
    "relabel": "labels mapped to 0..k-1", "binary_to_softmax": "a k-unit softmax output with sparse crossentropy",
    "multi_hot_sigmoid": "a sigmoid output with binary crossentropy", "linear_out": "a linear output",
})


def output_activation(info: Info) -> str | None:
    layers = info.get("layers") or []
    for layer in reversed(layers):
        if layer.get("output") or layer is layers[-1]:
            act: str | None = layer.get("activation")
            return act
    return None


def hidden_saturating(info: Info) -> bool:
    return any(l.get("activation") in SATURATING and not l.get("output") for l in info.get("layers") or [])


def target_misfit(info: Info) -> dict[str, Any] | None:
    """Regression targets whose range the output activation cannot produce, or whose scale is far from 1."""
    task: Info = info.get("task") or {}
    labels: Info = info.get("labels") or {}
    if task.get("kind") != "regression" or labels.get("min") is None:
        return None
    lo_t, hi_t = labels["min"], labels["max"]
    act = output_activation(info) or "linear"
    out: dict[str, Any] = {"activation": act, "min": lo_t, "max": hi_t, "mean": labels.get("mean"), "std": labels.get("std")}
    rng = BOUNDED.get(act)
    if rng is not None:
        lo, hi = rng
        outside = (lo is not None and lo_t < lo - 1e-6) or (hi is not None and hi_t > hi + 1e-6)
        if outside:
            out["range"] = True
    big = abs(labels.get("mean") or 0.0) > TARGET_SCALE or (labels.get("std") or 0.0) > TARGET_SCALE
    if big:
        out["scale"] = True
    return out if out.get("range") or out.get("scale") else None


def causes(info: Info) -> list[Remedy]:
    """Causes measured in the data, each with the atoms of its remedy: [(check id, atoms, remedy text)]."""
    task: Info = info.get("task") or {}
    labels: Info = info.get("labels") or {}
    kind = task.get("kind")
    out: list[Remedy] = []
    lo, hi, distinct = labels.get("min"), labels.get("max"), labels.get("distinct") or 0
    integral = labels.get("encoding") == "integer"
    if kind == "binary" and lo is not None and hi is not None and (lo < 0 or hi > 1):
        if integral and distinct > 2 and (task.get("units") or 1) == 1:
            out.append(("PRB011", ["relabel", "binary_to_softmax"],
                        f"{distinct} classes: a {distinct}-unit softmax output with sparse crossentropy"))
        elif distinct == 2:
            out.append(("PRB011", ["relabel"], "labels mapped to 0/1"))
        else:
            out.append(("PRB011", [], ""))
    elif kind == "sparse" and lo is not None and hi is not None and (lo < 0 or hi >= (task.get("units") or 0)) \
            and integral:
        out.append(("PRB011", ["relabel"] if distinct <= (task.get("units") or 0) else [],
                    f"labels mapped to 0..{distinct - 1}"))
    if kind in ("binary", "sparse", "categorical") and labels.get("classes_seen") == 1:
        scale = labels.get("integer_scale")
        out.append(("PRB014", [f"labels_x{scale:g}"] if scale else [],
                    f"labels multiplied back by {scale:g}" if scale else ""))
    if kind == "categorical" and labels.get("encoding") == "multi-hot" and output_activation(info) == "softmax":
        out.append(("PRB015", ["multi_hot_sigmoid"], DESCRIBE["multi_hot_sigmoid"]))
    mis = target_misfit(info)
    if mis:
        atoms = (["linear_out"] if mis.get("range") else []) + (["std_y"] if mis.get("scale") or mis.get("range") and
                                                                 (mis.get("std") or 0) > 10 else [])
        out.append(("PRB016", atoms, " and ".join(DESCRIBE.get(a, a) for a in atoms)))
    return out


def generic(info: Info, done: set[str]) -> list[Remedy]:
    """The generic repairs that apply to this setup, smallest first (`done`: repairs already measured)."""
    task: Info = info.get("task") or {}
    inputs: Info = info.get("inputs") or {}
    out: list[Remedy] = []
    for key, atoms, text in GENERIC:
        if key in done:
            continue
        if key.startswith("lr_") and info.get("learning_rate") is None:
            continue
        if key == "adam" and str(info.get("optimizer", "")).lower().startswith("adam"):
            continue
        if key == "std_x":
            mean, std = inputs.get("mean"), inputs.get("std")
            if mean is None or "float" not in str(inputs.get("dtype")) and "int" not in str(inputs.get("dtype")) or \
                    (abs(mean) < 0.5 and 0.3 < (std or 0) < 3):
                continue
        if key == "std_y" and (task.get("kind") != "regression" or
                               0.3 < ((info.get("labels") or {}).get("std") or 0) < 3):
            continue
        if key == "relu_he" and not hidden_saturating(info):
            continue
        out.append((key, atoms, text))
    return out


def wilson_low(p: float, n: int, z: float = 1.96) -> float:
    """Lower end of the Wilson score interval of an accuracy p measured on n samples."""
    if n <= 0:
        return 0.0
    den = 1 + z * z / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    return (centre - spread) / den


def above_chance(acc: float | None, chance: float | None, n: int | None, kind: str | None, z: float = 1.96,
                 regression_learned: float = 0.05) -> bool | None:
    """Is a training accuracy (R² for regression) beyond noise above chance? None when not measured."""
    if acc is None:
        return None
    if kind == "regression":
        return acc > regression_learned
    if chance is None or not n:
        return None
    return wilson_low(acc, n, z) > chance


def held_learned(held: Info | None, kind: str | None) -> bool | None:
    """Whether the held-out run learned: the training slice above chance, and the held-out slice too when the
    training slice is (None when there was no such run)."""
    if not held or "skipped" in held:
        return None
    train = above_chance(held.get("train_accuracy"), 0.0 if kind == "regression" else held.get("chance"),
                         held.get("train_samples"), kind)
    if train and held.get("above_chance") is False:
        return False  # memorised: the held-out slice stays at chance
    return train
