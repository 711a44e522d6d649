"""The typed measurement record: what the parent reads from the worker's messages about the as-written run.

The worker (`harness.py`) measures and sends JSON; `Measurement.from_worker` reads that message once into
these frozen dataclasses (missing fields become None / empty), and the probe checks (`probe/checks/`) decide
on them. A check's cases are small records made with `sample(...)`, so they run without TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence, TypeAlias

from learnability.probe import plan as _plan

# ----------------------------------------------------------------------------- numbers and words


def fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != 0 and (abs(v) >= 1e4 or abs(v) < 1e-3):
            return f"{v:.{max(1, digits - 1)}e}"
        return f"{v:.{digits}g}"
    return str(v)


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.0f}%"


Curve: TypeAlias = Sequence[float | None]  # a loss curve, per-step values (None: not finite)


def round4(v: float | None) -> float | None:
    return None if v is None else float(f"{v:.4g}")


def smooth_at(curve: Curve, k: int, width: int = 3) -> float | None:
    vals = [v for v in curve[max(0, k - width + 1):k + 1] if v is not None and math.isfinite(v)]
    return sum(vals) / len(vals) if vals else None


def head(curve: Curve, n: int = 3) -> float | None:
    vals = [v for v in curve[:n] if v is not None and math.isfinite(v)]
    return sum(vals) / len(vals) if vals else None


def min_smoothed(curve: Curve, width: int = 5) -> float | None:
    best = None
    for k in range(len(curve)):
        v = smooth_at(curve, k, width)
        if v is not None and (best is None or v < best):
            best = v
    return best


def geomean(values: Curve) -> float | None:
    vals = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


def mean(values: Curve) -> float | None:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return sum(vals) / len(vals) if vals else None


def max2(a: float | None, b: float | None) -> float | None:
    vals = [v for v in (a, b) if v is not None]
    return max(vals) if vals else None


def above_chance(acc: float | None, chance: float | None, n: int | None, kind: str | None,
                 th: Mapping[str, float]) -> bool | None:
    """Is a training accuracy (R² for regression) beyond noise above chance? None when not measured."""
    return _plan.above_chance(acc, chance, n, kind, th["confidence_z"], th["regression_learned"])


def steady_fall(curve: Curve, th: Mapping[str, float]) -> bool:
    """The loss is still falling steadily at the end: last third's mean <= 95% of the middle third's."""
    vals = [v for v in curve or [] if v is not None and math.isfinite(v)]
    if len(vals) < 9:
        return False
    k = len(vals) // 3
    mid, last = vals[k:2 * k], vals[2 * k:]
    mm, ml = sum(mid) / len(mid), sum(last) / len(last)
    return mm > 0 and ml <= th["steady_drop"] * mm


def collapsed(pred: "Predictions | Mapping[str, Any] | None") -> str | None:
    """'one class' / 'a constant' when the predictions no longer depend on the input, else None."""
    p = pred.__dict__ if isinstance(pred, Predictions) else (pred or {})
    if p.get("classes_predicted") == 1 and (p.get("samples") or 0) >= 8:
        return "one class"
    if p.get("target_std") and (p.get("pred_std") or 0.0) < 1e-3 * p["target_std"]:
        return "a constant"
    return None


# ----------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Predictions:
    """What the trained model predicts on the slice it trained on."""
    classes_predicted: int | None = None
    samples: int | None = None
    pred_std: float | None = None
    target_std: float | None = None

    @classmethod
    def read(cls, d: Any) -> "Predictions | None":
        if not isinstance(d, dict):
            return None
        return cls(d.get("classes_predicted"), d.get("samples"), d.get("pred_std"), d.get("target_std"))


@dataclass(frozen=True)
class Inputs:
    """The inputs given to fit, over the training slice."""
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    shape: Any = None
    identical_samples: bool = False
    identical_across_classes: bool = False
    constant_feature_fraction: float | None = None

    @property
    def max_abs(self) -> float:
        return max(abs(self.max or 0.0), abs(self.min or 0.0))


@dataclass(frozen=True)
class Labels:
    """The labels (targets) given to fit, over the training slice."""
    encoding: str | None = None
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    variance: float | None = None
    balance: float | None = None  # normalised perplexity of the class counts
    classes_seen: int = 0
    distinct: int | None = None
    counts: Any = None
    problems: tuple[str, ...] = ()  # what the worker found wrong with them for the loss / output
    output_units: Any = None
    integer_scale: float | None = None
    shape: Any = None  # per sample


@dataclass(frozen=True)
class TargetMisfit:
    """Regression targets the output cannot produce (`range`) or far from unit scale (`scale`): plan.target_misfit."""
    activation: str | None = None
    range: bool = False
    scale: bool = False


@dataclass(frozen=True)
class Fit:
    """Fit-one-batch as written: the loss curve, per-step gradient norms (one per layer group) and the outcome."""
    loss: tuple[float | None, ...] = ()
    steps: int = 0
    fitted: bool = False
    steps_to_fit: int | None = None
    nonfinite: bool = False
    final_loss: float | None = None
    final_accuracy: float | None = None
    stop: str | None = None
    error: str | None = None
    grad_norms: tuple[tuple[float | None, ...], ...] = ()
    predictions: Predictions | None = None


@dataclass(frozen=True)
class HeldOut:
    """Training on the training slice with a held-out slice aside (None in the record when it was skipped)."""
    train_accuracy: float | None = None  # R² for regression
    held_out_accuracy: float | None = None
    chance: float | None = None
    train_samples: int | None = None
    held_out_samples: int | None = None
    steps: int | None = None
    margin: float | None = None
    above_chance: bool | None = None
    loss: tuple[float | None, ...] = ()
    predictions: Predictions | None = None
    user_steps: int | None = None  # the script's own epochs x steps per epoch, within this run
    train_accuracy_at_user_steps: float | None = None


@dataclass(frozen=True)
class Layer:
    """One layer of the model, its measurements reduced over the run (the report's per-layer table)."""
    name: str
    kind: str = ""
    line: int | None = None
    activation: str | None = None
    output: bool = False
    grad_norm: float | None = None  # geometric mean over the steps
    update_ratio: float | None = None
    saturation: float | None = None  # the larger of at init and after training
    saturation_init: float | None = None
    saturation_end: float | None = None
    dead_fraction: float | None = None  # after training
    dead_fraction_init: float | None = None


@dataclass(frozen=True)
class Measurement:
    """The as-written run, as the parent reads it from the worker."""
    kind: str | None = None  # binary / sparse / categorical / regression
    classes: int = 0
    loss_name: str | None = None
    output_activation: str | None = None
    train_samples: int | None = None
    batch_samples: int | None = None
    learning_rate: float | None = None
    epochs: int | None = None  # the script's fit(epochs=...) when it is an integer
    chance_batch: float | None = None  # the best input-independent accuracy on the batch
    inputs: Inputs = field(default_factory=Inputs)
    labels: Labels = field(default_factory=Labels)
    fit: Fit = field(default_factory=Fit)
    held: HeldOut | None = None
    layers: tuple[Layer, ...] = ()
    groups: tuple[str, ...] = ()  # the layer groups of fit.grad_norms' columns, first to last
    target_misfit: TargetMisfit | None = None

    @property
    def target_scale(self) -> bool:
        """Regression targets far from unit scale (huge losses are theirs, not an exploding optimizer's)."""
        return bool(self.target_misfit and self.target_misfit.scale)
    input_max_abs: float = 10.0  # the option: inputs beyond this count as unscaled
    measured_causes: tuple[str, ...] = ()  # the checks whose cause is measured in the data (plan.causes)
    explained: bool = False  # a static fix improves training (set by the report once the retrained runs are read)

    # ---- derived, in one place
    @property
    def init_loss(self) -> float | None:
        c = self.fit.loss
        return c[0] if c and c[0] is not None else head(c)

    @property
    def min_loss(self) -> float | None:
        return min_smoothed(self.fit.loss)

    @property
    def expected_loss(self) -> float | None:
        """-log(1/C) for a classifier; the targets' variance for regression (a constant prediction's loss)."""
        if self.kind in ("binary", "sparse", "categorical") and self.classes >= 2:
            return math.log(self.classes)
        return self.labels.variance if self.kind == "regression" else None

    @property
    def gradient_ends(self) -> tuple[float, float, int] | None:
        """(first, last, steps): geometric means of the first and the last layer group's gradient norms over
        the first 20 steps; None without two groups."""
        gn = self.fit.grad_norms
        if len(self.groups) < 2 or not gn:
            return None
        window = gn[: min(len(gn), 20)]
        first = geomean([row[0] for row in window])
        last = geomean([row[len(self.groups) - 1] for row in window])
        if first is None or not last:
            return None
        return first, last, len(window)

    @property
    def collapsed(self) -> str | None:
        """'one class' / 'a constant' when the trained model's predictions do not depend on the input: after
        the held-out run, or after fit-one-batch when a constant prediction cannot already fit the batch."""
        return collapsed(self.held.predictions if self.held else None) or (
            collapsed(self.fit.predictions) if (self.chance_batch or 1.0) < 1.0 else None)

    @property
    def identical(self) -> bool:
        return self.inputs.identical_samples

    @property
    def unscaled(self) -> bool:
        return self.inputs.max_abs > float(self.input_max_abs) and not self.identical

    @property
    def negative_loss(self) -> bool:
        return self.kind in ("binary", "sparse", "categorical") and \
            min((v for v in self.fit.loss if v is not None), default=0.0) < -1e-6

    @classmethod
    def from_worker(cls, orig: Mapping[str, Any], options: Mapping[str, Any] | None = None) -> "Measurement":
        """Read the worker's message about the as-written run (the dict `harness.py` sends)."""
        options = options or {}
        fit = orig.get("fit") or {}
        task = orig.get("task") or {}
        inputs = orig.get("inputs") or {}
        labels = orig.get("labels") or {}
        held = orig.get("held_out")
        groups = list(orig.get("groups") or [])
        gn = fit.get("grad_norms") or []
        ur = fit.get("update_ratios") or []
        acts_end = {a["name"]: a for a in (orig.get("acts_end") or [])}
        acts_init = {a["name"]: a for a in (orig.get("acts_init") or [])}
        layers = []
        for layer in orig.get("layers") or []:
            name = layer["name"]
            gi = groups.index(name) if name in groups else None
            g = geomean([row[gi] for row in gn if gi is not None and gi < len(row)]) if gi is not None else None
            u = mean([row[gi] for row in ur if gi is not None and gi < len(row)]) if gi is not None else None
            s_init = (acts_init.get(name) or {}).get("saturation")
            s_end = (acts_end.get(name) or {}).get("saturation")
            layers.append(Layer(
                name=name, kind=layer.get("kind", ""), line=layer.get("line"), activation=layer.get("activation"),
                output=bool(layer.get("output")), grad_norm=round4(g), update_ratio=round4(u),
                saturation=round4(max2(s_init, s_end)), saturation_init=s_init, saturation_end=s_end,
                dead_fraction=round4((acts_end.get(name) or {}).get("dead_fraction")),
                dead_fraction_init=round4((acts_init.get(name) or {}).get("dead_fraction"))))
        info = {"task": task, "labels": labels, "layers": orig.get("layers")}
        causes = _plan.causes({**info, "inputs": inputs})
        misfit = _plan.target_misfit(info)
        epochs = (orig.get("fit_args") or {}).get("epochs")
        return cls(
            kind=task.get("kind"), classes=task.get("classes") or 0, loss_name=task.get("loss_name"),
            output_activation=_plan.output_activation(info),
            train_samples=(orig.get("samples") or {}).get("train"), batch_samples=(orig.get("samples") or {}).get("batch"),
            learning_rate=orig.get("learning_rate"), chance_batch=orig.get("chance_batch"),
            inputs=Inputs(inputs.get("min"), inputs.get("max"), inputs.get("mean"), inputs.get("std"),
                          inputs.get("shape"), bool(inputs.get("identical_samples")),
                          bool(inputs.get("identical_across_classes")), inputs.get("constant_feature_fraction")),
            labels=Labels(labels.get("encoding"), labels.get("min"), labels.get("max"), labels.get("mean"),
                          labels.get("std"), labels.get("variance"), labels.get("balance"),
                          labels.get("classes_seen") or 0, labels.get("distinct"), labels.get("counts"),
                          tuple(labels.get("problems") or ()), labels.get("output_units"),
                          labels.get("integer_scale"), labels.get("shape")),
            fit=Fit(tuple(fit.get("loss") or ()), fit.get("steps") or 0, bool(fit.get("fitted")), fit.get("steps_to_fit"),
                    bool(fit.get("nonfinite")), fit.get("final_loss"), fit.get("final_accuracy"), fit.get("stop"),
                    fit.get("error"), tuple(tuple(row) for row in gn), Predictions.read(fit.get("predictions"))),
            held=None if not held or "skipped" in held else HeldOut(
                held.get("train_accuracy"), held.get("held_out_accuracy"), held.get("chance"),
                held.get("train_samples"), held.get("held_out_samples"), held.get("steps"), held.get("margin"),
                held.get("above_chance"), tuple(held.get("loss") or ()), Predictions.read(held.get("predictions")),
                held.get("user_steps"), held.get("train_accuracy_at_user_steps")),
            layers=tuple(layers), groups=tuple(groups),
            target_misfit=None if misfit is None else TargetMisfit(misfit.get("activation"), bool(misfit.get("range")),
                                                                   bool(misfit.get("scale"))),
            input_max_abs=float(options.get("input_max_abs", 10.0)),
            measured_causes=tuple(c[0] for c in causes),
            epochs=epochs if isinstance(epochs, int) else None,
        )


def sample(**changes: Any) -> Measurement:
    """A small healthy record (a binary classifier that fits its batch of 16) with `changes`: the base of the
    checks' cases. Nested parts are given whole: `sample(fit=Fit(...), inputs=Inputs(...))`."""
    base = Measurement(
        kind="binary", classes=2, loss_name="binary_crossentropy", output_activation="sigmoid", train_samples=200,
        batch_samples=16, learning_rate=0.001, chance_batch=0.5,
        inputs=Inputs(min=0.0, max=1.0, mean=0.5, std=0.29, shape=[8], constant_feature_fraction=0.0),
        labels=Labels(encoding="integer", min=0.0, max=1.0, mean=0.5, std=0.5, variance=0.25, balance=1.0,
                      classes_seen=2, distinct=2, counts=[100, 100], output_units=1),
        fit=Fit(loss=(0.69, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1), steps=7, fitted=True, steps_to_fit=7,
                final_loss=0.1, final_accuracy=1.0, grad_norms=((0.01, 0.02), (0.01, 0.02))),
        held=HeldOut(train_accuracy=0.9, held_out_accuracy=0.85, chance=0.5, train_samples=150, held_out_samples=50,
                     steps=40, margin=0.1, above_chance=True),
        layers=(Layer("dense", "Dense", 5, "relu", dead_fraction=0.1, dead_fraction_init=0.05, saturation=None),
                Layer("dense_1", "Dense", 6, "sigmoid", output=True)),
        groups=("dense", "dense_1"),
    )
    return replace(base, **changes)
