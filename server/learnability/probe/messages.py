"""The probe's typed messages: worker <-> parent (JSON lines) and the report the language server sends.

One module, used on both sides. The worker (`harness.py`, in the user's interpreter) builds these frozen
dataclasses and sends `to_json(...)`; the parent (`runner.py`) reads each line with `parse_worker_line`,
which checks it against the same classes: a malformed line (a crashed or hostile script writing to the
protocol pipe) becomes a `Malformed` event with a clear reason, never an exception in the server.
`report.py` checks every report it builds against `ProbeReport`, and `scripts/gen_report_schema.py`
writes the JSON Schemas (schemas/) from these classes, from which the extension's TypeScript types are
generated (`extension/src/generated/`).

Only the standard library is imported: the harness loads this file by path, in any interpreter.

The encoding is plain: a dataclass is a JSON object with its fields (a message also has its `type`, a
command its `cmd`); a field whose default is `ABSENT` may be left out (it is left out when unset); a field
marked `rest=True` holds the object's other keys (an open object). Numbers: an `int` is accepted where a
`float` is declared (JSON does not tell them apart), a `bool` never counts as a number.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Union

# ----------------------------------------------------------------------------- the codec


class Absent:
    """The value of an optional field that is not there (left out of the JSON object)."""

    _instance: ClassVar[Absent | None] = None

    def __new__(cls) -> Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = Absent()


class MessageError(ValueError):
    """A JSON value that is not what the type says; the message names where (`ready.device.count: ...`)."""


def _key(f: dataclasses.Field[Any]) -> str:
    """A field's JSON key: its name, or its metadata's "json" for a name Python reserves
    (`from_: str = field(metadata={"json": "from"})`)."""
    return str(f.metadata.get("json", f.name))


def rest_field() -> Any:
    """The field that holds an open object's other keys."""
    return field(default_factory=dict, metadata={"rest": True})


def to_json(value: Any) -> Any:
    """A dataclass (or list, dict, scalar) as plain JSON data: ABSENT fields left out, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for tag in ("type", "cmd"):
            if isinstance(getattr(type(value), tag.upper(), None), str):
                out[tag] = getattr(type(value), tag.upper())
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.metadata.get("rest"):
                out.update({k: to_json(x) for k, x in v.items()})
            elif v is not ABSENT:
                out[_key(f)] = to_json(v)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def dumps(value: Any) -> str:
    """One JSON line (no NaN: JSON has none)."""
    return json.dumps(to_json(value), allow_nan=False)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    return _HINTS[cls]


def _is_class(tp: Any) -> bool:
    """A dataclass (the class, not an instance)."""
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(tp) is Union or isinstance(tp, types.UnionType):
        return typing.get_args(tp)
    return None


def _describe(value: Any) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(tp: Any) -> str:
    args = _union_args(tp)
    if args is not None:
        return " or ".join(_type_name(a) for a in args if a is not Absent)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return " or ".join(json.dumps(a) for a in typing.get_args(tp))
    if origin in (list, tuple):
        return "an array"
    if origin is dict or tp is dict:
        return "an object"
    if _is_class(tp):
        return f"an object ({tp.__name__})"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false", type(None): "null",
            Any: "a JSON value"}.get(tp, str(tp))


def from_json(tp: Any, value: Any, where: str = "") -> Any:
    """`value` (parsed JSON) read as type `tp`; MessageError naming the place if it is not one."""
    here = where or "(top)"
    if tp is Any:
        return value
    args = _union_args(tp)
    if args is not None:
        arms = [a for a in args if a is not Absent]
        if value is None and type(None) in arms:
            return None
        errors = []
        for arm in arms:
            if arm is type(None):
                continue
            try:
                return from_json(arm, value, where)
            except MessageError as exc:
                errors.append(exc)
        if len(errors) == 1:
            raise errors[0]
        raise MessageError(f"{here}: expected {_type_name(tp)}, got {_describe(value)}")
    origin = typing.get_origin(tp)
    if origin is Literal:
        if any(value == a and type(value) is type(a) for a in typing.get_args(tp)):
            return value
        raise MessageError(f"{here}: expected {_type_name(tp)}, got {_describe(value)}")
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise MessageError(f"{here}: expected an array, got {_describe(value)}")
        item = typing.get_args(tp)[0] if typing.get_args(tp) else Any
        items = [from_json(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
        return tuple(items) if origin is tuple else items
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise MessageError(f"{here}: expected an object, got {_describe(value)}")
        item = typing.get_args(tp)[1] if typing.get_args(tp) else Any
        return {k: from_json(item, v, f"{where}.{k}" if where else k) for k, v in value.items()}
    if _is_class(tp):
        return _read_object(tp, value, where)
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return value
    elif tp is str:
        if isinstance(value, str):
            return value
    elif tp is type(None):
        if value is None:
            return None
    else:
        raise TypeError(f"messages: no JSON reading for {tp!r}")
    raise MessageError(f"{here}: expected {_type_name(tp)}, got {_describe(value)}")


def _read_object(cls: Any, value: Any, where: str) -> Any:
    here = where or "(top)"
    if not isinstance(value, dict):
        raise MessageError(f"{here}: expected {_type_name(cls)}, got {_describe(value)}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    known = set()
    rest_name = None
    for tag in ("type", "cmd"):
        want = getattr(cls, tag.upper(), None)
        if isinstance(want, str):
            known.add(tag)
            if value.get(tag) != want:
                raise MessageError(f"{here}: expected {tag} {want!r}, got {_describe(value.get(tag))}")
    for f in dataclasses.fields(cls):
        if f.metadata.get("rest"):
            rest_name = f.name
            continue
        key = _key(f)
        known.add(key)
        sub = f"{where}.{key}" if where else key
        if key in value:
            kwargs[f.name] = from_json(hints[f.name], value[key], sub)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise MessageError(f"{here}: missing {key!r} ({_type_name(hints[f.name])})")
    extra = {k: v for k, v in value.items() if k not in known}
    if rest_name is not None:
        kwargs[rest_name] = extra
    elif extra:
        raise MessageError(f"{here}: unexpected key {sorted(extra)[0]!r} in {cls.__name__}")
    return cls(**kwargs)


# ----------------------------------------------------------------------------- JSON Schema


def json_schema(root: Any, *, title: str | None = None, description: str | None = None) -> dict[str, Any]:
    """A JSON Schema (2020-12) for `root` (a dataclass or a union of them), each dataclass under `$defs`."""
    defs: dict[str, Any] = {}
    body = _schema(root, defs)
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    if title:
        out["title"] = title
    if description:
        out["description"] = description
    if "$ref" in body:  # the root class itself, with the others under $defs
        name = body["$ref"].rsplit("/", 1)[1]
        out.update({k: v for k, v in defs.pop(name).items() if k != "title" or not title})
    else:
        out.update(body)
    out["$defs"] = dict(sorted(defs.items()))
    return out


def _doc(cls: Any) -> str | None:
    doc = cls.__doc__ or ""
    if not doc or doc.startswith(cls.__name__ + "("):  # dataclass's generated signature
        return None
    return " ".join(doc.split())


def _schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is Any:
        return {}
    name = _NAMED.get(tp) if typing.get_origin(tp) is Literal else None
    if name is not None:  # a named alias (Verdict): one definition, one TypeScript type
        if name not in defs:
            vals = list(typing.get_args(tp))
            defs[name] = {"title": name, **({"const": vals[0]} if len(vals) == 1 else {"enum": vals})}
        return {"$ref": f"#/$defs/{name}"}
    args = _union_args(tp)
    if args is not None:
        arms = [_schema(a, defs) for a in args if a is not Absent]
        return arms[0] if len(arms) == 1 else {"anyOf": arms}
    origin = typing.get_origin(tp)
    if origin is Literal:
        vals = list(typing.get_args(tp))
        return {"const": vals[0]} if len(vals) == 1 else {"enum": vals}
    if origin in (list, tuple):
        items = typing.get_args(tp)
        return {"type": "array", "items": _schema(items[0], defs) if items else {}}
    if origin is dict or tp is dict:
        items = typing.get_args(tp)
        return {"type": "object", "additionalProperties": _schema(items[1], defs) if items else {}}
    if _is_class(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # (recursion guard)
            hints = _hints(tp)
            props: dict[str, Any] = {}
            required = []
            for tag in ("type", "cmd"):
                if isinstance(getattr(tp, tag.upper(), None), str):
                    props[tag] = {"const": getattr(tp, tag.upper())}
                    required.append(tag)
            open_ = False
            for f in dataclasses.fields(tp):
                if f.metadata.get("rest"):
                    open_ = True
                    continue
                prop = _schema(hints[f.name], defs)
                if f.metadata.get("doc"):
                    prop = {"description": f.metadata["doc"], **prop}
                props[_key(f)] = prop
                if f.default is not ABSENT:
                    required.append(_key(f))
            d: dict[str, Any] = {"title": name, "type": "object"}
            if _doc(tp):
                d["description"] = _doc(tp)
            d.update(properties=props, required=required, additionalProperties=open_)
            defs[name] = d
        return {"$ref": f"#/$defs/{name}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
    if tp in simple:
        return {"type": simple[tp]}
    raise TypeError(f"messages: no JSON Schema for {tp!r}")


def doc(text: str) -> dict[str, str]:
    """A field's description, as its metadata (it goes into the JSON Schema and the generated TypeScript):
    `count: int = field(metadata=doc("GPUs, or CPU cores"))`."""
    return {"doc": text}


# ----------------------------------------------------------------------------- worker -> parent


@dataclass(frozen=True)
class Hello:
    """The worker started (before TensorFlow is imported)."""

    TYPE: ClassVar[str] = "hello"
    pid: int
    python: str


@dataclass(frozen=True)
class Device:
    """Where the worker trains."""

    kind: str = field(metadata=doc('"GPU" or "CPU"'))
    name: str = field(metadata=doc("the GPU's name, or the CPU's architecture"))
    count: int = field(metadata=doc("GPUs, or CPU cores"))
    text: str = field(metadata=doc('in words: "GPU (NVIDIA H200, 139.8 GiB)", "CPU (x86_64, 16 cores)"'))
    memory_gib: float | None | Absent = field(default=ABSENT, metadata=doc("a GPU's memory, where the backend says"))
    free_gib: float | None | Absent = field(default=ABSENT, metadata=doc("... and how much of it is free"))


@dataclass(frozen=True)
class Ready:
    """The backend (TensorFlow, JAX or PyTorch) and Keras are imported: the worker takes jobs."""

    TYPE: ClassVar[str] = "ready"
    device: Device
    backend: str = field(metadata=doc('the Keras backend that trains: "tensorflow", "jax" or "torch"'))
    backend_version: str | None
    keras: str
    tensorflow: str | None = field(metadata=doc("TensorFlow's version when it is the backend"))
    legacy_keras: bool = field(metadata=doc("tf_keras (TF_USE_LEGACY_KERAS) rather than Keras 3"))
    import_s: float
    pid: int


@dataclass(frozen=True)
class Fatal:
    """The worker cannot work (the backend cannot be imported); it exits."""

    TYPE: ClassVar[str] = "fatal"
    message: str


@dataclass(frozen=True)
class Progress:
    """How far a job is: `stage` is a run's key (as_written, a rule id, ALL, R:<repair>)."""

    TYPE: ClassVar[str] = "progress"
    stage: str
    frac: float
    msg: str


RunStatus = Literal["ok", "error", "exit", "timeout", "no_fit", "data_error"]


@dataclass(frozen=True)
class RunData:
    """One run's result: the script as written, a fixed source, a repair or a probe check's remedy. Its
    measurements (fit, held_out, inputs, layers, ...) are the open rest: `measure.py` makes them and
    `record.Measurement.from_worker` reads them."""

    key: str = field(metadata=doc("as_written, a rule id (the fixed source), ALL, ALL-<rule>, a probe check id, "
                                  "R:<repair>, or _timeout"))
    status: RunStatus
    measurements: dict[str, Any] = rest_field()

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "status": self.status, **self.measurements}


@dataclass(frozen=True)
class Run:
    TYPE: ClassVar[str] = "run"
    data: RunData


@dataclass(frozen=True)
class Internal:
    """The probe itself failed on a job (a bug in the probe, not in the script)."""

    TYPE: ClassVar[str] = "internal"
    message: str
    trace: str


@dataclass(frozen=True)
class Done:
    """The job is over (whatever it sent)."""

    TYPE: ClassVar[str] = "done"
    seconds: float


WorkerMessage = Union[Hello, Ready, Fatal, Progress, Run, Internal, Done]
WORKER_MESSAGES: dict[str, type] = {c.TYPE: c for c in typing.get_args(WorkerMessage)}


@dataclass(frozen=True)
class Eof:
    """(Not sent: the parent's pipe reader posts it) the worker's output has ended."""


@dataclass(frozen=True)
class Malformed:
    """(Not sent: the parent's pipe reader posts it) a line that is not a worker message, and why."""

    reason: str


def parse_worker_message(obj: Any) -> WorkerMessage:
    """A worker message from parsed JSON; MessageError with the reason if it is not one."""
    if not isinstance(obj, dict):
        raise MessageError(f"expected a JSON object, got {_describe(obj)}")
    kind = obj.get("type")
    cls = WORKER_MESSAGES.get(kind) if isinstance(kind, str) else None
    if cls is None or not isinstance(kind, str):
        raise MessageError(f"unknown message type {_describe(kind)}")
    return typing.cast(WorkerMessage, from_json(cls, obj, kind))


def parse_worker_line(line: str) -> WorkerMessage | Malformed:
    """One line of the worker's output, read and checked; never raises."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return Malformed(f"not JSON ({exc}): {line[:80]!r}")
    except RecursionError:  # (json's own reader recurses too)
        return Malformed("nested too deep")
    try:
        return parse_worker_message(obj)
    except MessageError as exc:
        return Malformed(str(exc))
    except RecursionError:
        return Malformed("nested too deep")


# ----------------------------------------------------------------------------- parent -> worker


@dataclass(frozen=True)
class ProbeOptions:
    """The probe's budget and thresholds for one job (defaults: runner.DEFAULTS)."""

    seed: int
    max_steps: int = field(metadata=doc("fit-one-batch: at most this many steps per run"))
    budget_s: float = field(metadata=doc("at most this many seconds per training phase"))
    held_steps: int = field(metadata=doc("steps of training on the training slice before the held-out accuracy"))
    n_train: int
    n_held: int
    batch: int = field(metadata=doc("fit-one-batch size"))
    range_steps: int
    input_max_abs: float
    max_counterfactuals: int
    saturation: float
    thresholds: dict[str, float]


@dataclass(frozen=True)
class Counterfactual:
    """The script with fixes applied, run like the script as written."""

    key: str
    rules: list[str]
    source: str
    fixes: list[str]
    without: str | Absent = ABSENT


@dataclass(frozen=True)
class ProbeJob:
    CMD: ClassVar[str] = "probe"
    path: str
    source: str
    cwd: str
    options: ProbeOptions
    counterfactuals: list[Counterfactual]


@dataclass(frozen=True)
class Quit:
    CMD: ClassVar[str] = "quit"


Command = Union[ProbeJob, Quit]


def parse_command(obj: Any) -> Command:
    """A parent -> worker command from parsed JSON; MessageError if it is not one."""
    if isinstance(obj, dict) and obj.get("cmd") == "quit":
        return typing.cast(Command, from_json(Quit, obj, "quit"))
    if isinstance(obj, dict) and obj.get("cmd") == "probe":
        return typing.cast(Command, from_json(ProbeJob, obj, "probe"))
    raise MessageError(f"not a command: {_describe(obj.get('cmd') if isinstance(obj, dict) else obj)}")


# ----------------------------------------------------------------------------- the report (server -> editor)

REPORT_VERSION = 1
Verdict = Literal["learns", "learns_slowly", "does_not_learn", "inconclusive", "error"]
FindingStatus = Literal["confirmed", "not confirmed", "undecided", "not tested", "not applicable", "symptom"]


@dataclass(frozen=True)
class ReportEdit:
    """A text edit: 1-based lines and columns, the end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str
    cell: int | Absent = field(default=ABSENT, metadata=doc("notebooks: the code cell the lines are in"))


@dataclass(frozen=True)
class ReportFix:
    title: str
    safe: bool = field(metadata=doc("applied by `check --fix` and fix-all"))
    edits: list[ReportEdit]


@dataclass(frozen=True)
class ReportRelated:
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    cell: int | Absent = field(default=ABSENT, metadata=doc("notebooks: the code cell the lines are in"))


@dataclass(frozen=True)
class FitNumbers:
    """A run's numbers, as written (`before`) or with the change (`after`); only what was measured."""

    fitted: bool | None | Absent = ABSENT
    steps_to_fit: int | None | Absent = ABSENT
    steps: int | None | Absent = ABSENT
    init_loss: float | None | Absent = ABSENT
    final_loss: float | None | Absent = ABSENT
    final_accuracy: float | None | Absent = ABSENT
    nonfinite: bool | None | Absent = ABSENT
    k: int | Absent = field(default=ABSENT, metadata=doc("the step the losses are compared at (1-based)"))
    loss_at_k: float | None | Absent = ABSENT
    held_out_accuracy: float | None | Absent = ABSENT
    train_accuracy: float | None | Absent = ABSENT
    chance: float | None | Absent = ABSENT
    remedy: str | Absent = ABSENT
    repair: str | Absent = ABSENT
    learning_rate: float | None | Absent = ABSENT
    learning_rate_that_works: float | None | Absent = ABSENT


@dataclass(frozen=True)
class ProbeFinding:
    """A finding of the report: a static rule's (source "static", with the probe's verdict on it) or a
    probe check's (source "probe"). Lines and columns are 1-based."""

    rule: str
    category: str
    severity: Literal["error", "warning", "info"]
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fixable: bool
    source: Literal["static", "probe"]
    evidence: str
    confirmed: bool | None = field(metadata=doc("true: confirmed, false: not confirmed, null: not tested or undecided"))
    confirms: list[str] = field(metadata=doc("static rules this probe finding supports"))
    before: FitNumbers
    after: FitNumbers
    name: str | Absent = field(default=ABSENT, metadata=doc("a probe check's name"))
    status: FindingStatus | Absent = ABSENT
    how: str | Absent = field(default=ABSENT, metadata=doc(
        'why confirmed: "sufficient", "necessary", "sufficient and necessary" or "measured"'))
    confirmed_by: list[str] | Absent = field(default=ABSENT, metadata=doc(
        "probe checks whose measurement backs this static finding"))
    fix: ReportFix | Absent = ABSENT
    related: list[ReportRelated] | Absent = ABSENT
    cell: int | Absent = field(default=ABSENT, metadata=doc("notebooks: the code cell the lines are in"))
    result: str | Absent = field(default=ABSENT, metadata=doc(
        'the probe\'s answer in a few words ("confirmed: fits in 6 steps instead of 26"); "" when it has none'))
    data: dict[str, Any] | Absent = field(default=ABSENT, metadata=doc("what the check measured, for tools"))


@dataclass(frozen=True)
class ProbeLayer:
    """A layer of the as-written fit-one-batch run."""

    name: str
    kind: str
    line: int | None
    grad_norm: float | None
    saturation: float | None
    dead_fraction: float | None
    dead_fraction_init: float | None
    update_ratio: float | None
    activation: str | None
    output: bool
    cell: int | Absent = field(default=ABSENT, metadata=doc("notebooks: the code cell the lines are in"))


@dataclass(frozen=True)
class Samples:
    train: int
    held_out: int
    batch: int


@dataclass(frozen=True)
class Gradients:
    layers: list[str]
    norms: list[list[float | None]] = field(metadata=doc("per sampled step, one norm per layer group"))


@dataclass(frozen=True)
class Gains:
    """How the change compares with the script as written (report.compare)."""

    reason: str = field(metadata=doc('the comparison in words: "now fits the batch", "2.0x faster", ...'))
    speedup: float | Absent = field(default=ABSENT, metadata=doc("steps to fit as written / with the change"))
    train_accuracy: float | Absent = field(default=ABSENT, metadata=doc("training accuracy (R²) gained"))
    held_out_accuracy: float | Absent = field(default=ABSENT, metadata=doc("held-out accuracy (R²) gained"))


@dataclass(frozen=True)
class CounterfactualResult:
    """What one fixed source (a static rule's fixes, ALL, ALL-<rule>) did."""

    status: str = field(metadata=doc('"ok", "not_run", or why the fixed script did not reach fit'))
    evidence: str | Absent = ABSENT
    improved: bool | Absent = ABSENT
    gains: Gains | Absent = ABSENT
    fixes: list[str] | Absent = ABSENT
    rules: list[str] | Absent = ABSENT
    sufficient: bool | Absent = field(default=ABSENT, metadata=doc("alone it makes the model learn"))
    necessary: bool | None | Absent = field(default=ABSENT, metadata=doc(
        "without it the other fixes do not (null: not measured)"))
    necessary_numbers: list[FitNumbers] | Absent = field(default=ABSENT, metadata=doc(
        "without it (the other fixes) and with all the fixes"))
    necessary_evidence: str | Absent = ABSENT


@dataclass(frozen=True)
class BackendInfo:
    """Which Keras backend trained, and why that one."""

    name: str | None
    version: str | None
    keras: str | None
    legacy_keras: bool
    source: str = field(metadata=doc('why this backend, in words: "Keras\'s default", "the script (line 3)", ...'))
    line: int | None = field(metadata=doc("the script's line that chose it"))
    device: Device | None


@dataclass(frozen=True)
class ProbeMetrics:
    """What was measured on the script as written (empty when the probe could not measure)."""

    tensorflow: str | None | Absent = ABSENT
    keras: str | None | Absent = ABSENT
    backend: BackendInfo | Absent = ABSENT
    task: str | None | Absent = ABSENT
    classes: int | None | Absent = ABSENT
    loss: str | None | Absent = ABSENT
    from_logits: bool | None | Absent = ABSENT
    optimizer: str | None | Absent = ABSENT
    learning_rate: float | None | Absent = ABSENT
    fit_args: dict[str, Any] | None | Absent = ABSENT
    data_source: str | None | Absent = ABSENT
    samples: Samples | None | Absent = ABSENT
    inputs: dict[str, Any] | Absent = ABSENT
    labels: dict[str, Any] | Absent = ABSENT
    init_loss: float | None | Absent = ABSENT
    expected_init_loss: float | None | Absent = ABSENT
    fit_one_batch: dict[str, Any] | Absent = ABSENT
    held_out: dict[str, Any] | None | Absent = ABSENT
    vanishing_ratio: float | None | Absent = ABSENT
    nonfinite: bool | None | Absent = ABSENT
    learning_rate_that_works: float | None | Absent = ABSENT
    lr_range: dict[str, Any] | None | Absent = ABSENT
    counterfactuals: dict[str, CounterfactualResult] | Absent = ABSENT
    gradients: Gradients | Absent = ABSENT
    thresholds: dict[str, float] | Absent = ABSENT
    budget: dict[str, float] | Absent = ABSENT


@dataclass(frozen=True)
class AsWrittenTiming:
    script_s: float | None
    setup_s: float | None
    first_step_s: float | None
    fit_s: float | None
    held_out_s: float | None


@dataclass(frozen=True)
class ProbeTiming:
    """Seconds spent (only what applies)."""

    total_s: float | Absent = ABSENT
    static_s: float | Absent = ABSENT
    warm: bool | Absent = field(default=ABSENT, metadata=doc("the worker was already running (TensorFlow imported)"))
    startup_s: float | Absent = ABSENT
    job_s: float | Absent = ABSENT
    tf_import_s: float | None | Absent = ABSENT
    runs: dict[str, float] | Absent = ABSENT
    as_written: AsWrittenTiming | Absent = ABSENT
    trace_reused: dict[str, bool] | Absent = ABSENT


@dataclass(frozen=True)
class PortOffer:
    """The script failed before fit on an API that a safe Keras 3 fix ports: how to probe a ported copy."""

    rules: list[str]
    fixes: list[str] = field(metadata=doc("the fixes' titles"))
    command: str = field(metadata=doc("the command line that probes the ported copy"))
    lsp_command: str
    lsp_arguments: list[dict[str, Any]]


@dataclass(frozen=True)
class PortedFix:
    rule: str
    line: int = field(metadata=doc("in the original script"))
    title: str


@dataclass(frozen=True)
class Ported:
    """This report is of a ported copy (`learnability probe --ported`): the safe Keras 3 fixes applied to a
    temporary copy; the user's file is unchanged."""

    from_: str = field(metadata={"json": "from", "doc": "the user's script"})
    copy: str = field(metadata=doc("the ported copy's path"))
    fixes: list[PortedFix]
    blocks: list[list[int]] = field(metadata=doc("[copy line, original line, count] per block of lines, 1-based"))


@dataclass(frozen=True)
class RuleThreshold:
    """A rule threshold the probe's static analysis used, and where its value came from."""

    value: float
    from_: Literal["editor settings", "pyproject.toml", "default"] = field(metadata={"json": "from"})


@dataclass(frozen=True)
class ProbeReport:
    """The probe's report on one script, as the language server sends it (notification
    `learnability/probeReport`) and `learnability probe --format json` prints it."""

    version: Literal[1]
    file: str
    verdict: Verdict
    device: str | None = field(metadata=doc("where it trained, in words; null when it did not get that far"))
    headline: str = field(metadata=doc("the verdict with its evidence, one sentence (the report view's first line)"))
    summary: str = field(metadata=doc("the headline, then the confirmed causes and their evidence (the CLI's text)"))
    metrics: ProbeMetrics
    layers: list[ProbeLayer]
    findings: list[ProbeFinding]
    curves: dict[str, list[float | None]] = field(metadata=doc(
        "loss per step of fit-one-batch: as_written and each run's key"))
    timing: ProbeTiming
    plots: dict[str, str] | Absent = field(default=ABSENT, metadata=doc("PNG files written by `--plots`"))
    port: PortOffer | Absent = ABSENT
    ported: Ported | Absent = ABSENT
    rule_thresholds: dict[str, RuleThreshold] | Absent = ABSENT


_NAMED: dict[Any, str] = {Verdict: "Verdict", FindingStatus: "FindingStatus", RunStatus: "RunStatus"}


def check_report(report: dict[str, Any]) -> dict[str, Any]:
    """`report` if it is a ProbeReport; MessageError naming the first place where it is not."""
    from_json(ProbeReport, report, "report")
    return report
