"""The Keras layer of the program model: models, their layers, compile and fit, over the semantic layer.

`analysis/semantic.py` lays the statements out in execution order with scopes and branches and says which
binding a name refers to at each use. On top of it, this module follows Keras objects as values:

- a model is made by the statement that calls `Sequential(...)` / `Model(...)`; a name refers to the
  models its reaching bindings hold (a reassignment is a new model; after an `if`/`else`, one per arm);
- `add`, `compile`, `fit`, `evaluate`, `predict` apply to the model objects their receiver refers to;
- each `compile` is in force for that model until its next `compile`; each `fit` is paired with the
  compiles that reach it (`FitInfo.compiles`, one unless branches differ) and each compile knows its fits;
- an optimizer is the object its constructor call made at one statement (`OptimizerInfo.made_at`): two
  `Adam()` calls, or one written in a function called twice, are two optimizers.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, TypeVar, Union, cast, overload

import libcst as cst

from learnability.analysis.chunks import ChunkCache, PlacedChunk
from learnability.analysis.names import last
from learnability.analysis.semantic import (  # noqa: F401  (re-exported: the rules' imports)
    KNOWN_LAYERS,
    NOTHING,
    Block,
    Branch,
    Frame,
    RawStmt,
    SemanticModel,
    Stmt,
    Watched,
    _is_literal,
    _once,
    _through_returns,
    dominates,
    exclusive,
    flatten,
    reach,
    string_value,
)
from learnability.findings import Span

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

CONV_LAYERS = frozenset(
    """Conv1D Conv2D Conv3D Conv2DTranspose Conv1DTranspose Conv3DTranspose SeparableConv2D
    SeparableConv1D DepthwiseConv2D Convolution2D Convolution1D""".split()
)
POOL_LAYERS = frozenset("MaxPooling2D MaxPooling1D MaxPooling3D MaxPool2D MaxPool1D AveragePooling2D AveragePooling1D AvgPool2D".split())
ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "PReLU": "prelu", "ELU": "elu", "Softmax": "softmax"}

_MODEL_CLASSES = frozenset({"keras.Sequential", "keras.models.Sequential", "keras.Model", "keras.models.Model"})
_ACTIVATION_FUNCS = ("keras.activations.", "tensorflow.nn.", "tensorflow.math.", "tensorflow.")
TRAINING_METHODS = frozenset({"fit", "fit_generator"})
USE_METHODS = frozenset({"evaluate", "predict", "evaluate_generator", "predict_generator"})
MAX_VARIANTS = 4  # models read for one model whose layers differ between the arms of branches


# --------------------------------------------------------------------------- views
@dataclass
class CallView:
    node: cst.Call
    qualname: str | None
    index: int
    placed: PlacedChunk

    @_once  # read-only views, computed once (a hot path: rules ask for them often)
    def args(self) -> list[cst.Arg]:
        args, self.__dict__["kwargs"] = _split_args(self.node, self.placed)
        return args

    @_once
    def kwargs(self) -> dict[str, cst.Arg]:
        self.__dict__["args"], kwargs = _split_args(self.node, self.placed)
        return kwargs

    def arg(self, position: int | None, *names: str) -> cst.Arg | None:
        kw = self.kwargs
        for name in names:
            found = kw.get(name)
            if found is not None:
                return found
        if position is not None:
            args = self.args
            if position < len(args):
                return args[position]
        return None

    @property
    def name(self) -> str:
        return last(self.qualname)

    def span(self, node: cst.CSTNode | None = None) -> Span:
        return self.placed.span(node if node is not None else self.node)

    def code(self, node: cst.CSTNode) -> str:
        return self.placed.code(node)


def _split_args(node: cst.Call, placed: PlacedChunk | None) -> tuple[list[cst.Arg], dict[str, cst.Arg]]:
    """(positional, keyword) arguments of a call. They depend on the node alone, so they are kept with
    the parsed chunk (whose nodes are the same objects in every analysis): an edit elsewhere does
    not recompute them. Callers must not mutate the results."""
    memo: dict[int, tuple[cst.Call, tuple[list[cst.Arg], dict[str, cst.Arg]]]] | None = \
        placed.chunk.__dict__.setdefault("_split_args", {}) if placed is not None else None
    if memo is not None:
        hit = memo.get(id(node))
        if hit is not None and hit[0] is node:
            return hit[1]
    args = node.args
    split = ([a for a in args if a.keyword is None and not a.star],
             {a.keyword.value: a for a in args if a.keyword is not None})
    if memo is not None:
        memo[id(node)] = (node, split)  # the node is held: its id cannot be reused while the memo lives
    return split


@dataclass
class LayerInfo:
    call: CallView
    kind: str
    model: "ModelInfo | None" = None
    position: int = 0

    def __post_init__(self) -> None:
        # `layer.arg(...)` is its call's `arg`, bound once: rules read each layer's arguments several times
        self.__dict__["arg"] = self.call.arg

    def arg(self, position: int | None, *names: str) -> cst.Arg | None:
        return self.call.arg(position, *names)


@dataclass
class OptimizerInfo:
    kind: str  # lower-case class name: adam, sgd, rmsprop...
    node: cst.BaseExpression
    placed: PlacedChunk
    index: int
    call: CallView | None = None
    learning_rate: float | None = None
    lr_arg: cst.Arg | None = None  # the argument that set the rate
    lr_default: bool = False
    schedule: str | None = None
    # the object: the statement whose evaluation built it (its constructor call, or the compile for a
    # string); two OptimizerInfos with the same `made_at` and node are one optimizer object
    made_at: int = -1

    @property
    def identity(self) -> tuple[int, int]:
        return (self.made_at if self.made_at >= 0 else self.index, id(self.node))


@dataclass
class LossInfo:
    name: str  # canonical: binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mse, mae, ...
    node: cst.BaseExpression
    placed: PlacedChunk
    from_logits: bool = False
    from_logits_arg: cst.Arg | None = None


@dataclass(eq=False)
class CompileInfo:
    call: CallView
    optimizer: OptimizerInfo | None
    loss: LossInfo | None
    metrics: list[str]
    model: "ModelInfo | None" = field(default=None, repr=False)
    # the fit / fit_generator calls this compile is in force for (and evaluate / predict)
    fits: list["FitInfo"] = field(default_factory=list, repr=False)
    uses: list["FitInfo"] = field(default_factory=list, repr=False)

    @property
    def index(self) -> int:
        return self.call.index


@dataclass(eq=False)
class FitInfo:
    call: CallView
    method: str
    x: cst.BaseExpression | None
    y: cst.BaseExpression | None
    batch_size: Any = NOTHING
    epochs: Any = NOTHING
    validation_split: Any = NOTHING
    shuffle: Any = NOTHING
    model: "ModelInfo | None" = field(default=None, repr=False)
    # the compiles of the model that reach this call, nearest first (several after branches)
    compiles: list[CompileInfo] = field(default_factory=list, repr=False)

    @property
    def compile(self) -> CompileInfo | None:
        return self.compiles[0] if self.compiles else None


@dataclass(eq=False)
class ModelInfo:
    var: str
    kind: str  # sequential | functional
    call: CallView
    layers: list[LayerInfo] = field(default_factory=list)
    list_node: cst.List | None = None  # the literal list of a Sequential([...])
    input_shape: tuple[int | None, ...] | None = None
    # the compile this view stands for: on a model, its last compile in program order; on a view made by
    # `Program.trainings` (or `with_compile`), one compile and the fits it is in force for
    compile: CompileInfo | None = None
    fits: list[FitInfo] = field(default_factory=list)
    # positions in `layers` before which an element was seen that is not a known layer (a nested
    # model, a custom layer, a name with no static value): facts across such a point are unknown
    opaque: list[int] = field(default_factory=list)
    compiles: list[CompileInfo] = field(default_factory=list)  # every compile of the model, in order
    uses: list[FitInfo] = field(default_factory=list)  # evaluate / predict calls
    base: "ModelInfo | None" = field(default=None, repr=False)  # the model a view was made of
    _views: dict[int, ModelInfo] = field(default_factory=dict, repr=False)  # id(compile) -> its view (one object each)
    _events: list[tuple[Branch, LayerInfo | None]] = field(default_factory=list, repr=False)  # (branch, LayerInfo or None: opaque) in order
    # the statements the model was read from (made, its layers, add / compile / fit / evaluate...): with the
    # names they use, what a rule's work on the model depends on (analysis/incremental.py)
    footprint: set[int] = field(default_factory=set, repr=False)
    variant: int = 0  # which of the models one statement made (one per combination of branch arms)

    @property
    def unit_key(self) -> tuple[int, int, int]:
        """The model (or view) across analyses of one file: where it is made, its variant, its compile."""
        c = self.compile if self.base is not None else None
        return (self.call.index, self.variant, c.index if c is not None else -1)

    @property
    def obj(self) -> "ModelInfo":
        """The model object (itself, or the model a view was made of)."""
        return self.base if self.base is not None else self

    def with_compile(self, compile: CompileInfo | None) -> "ModelInfo":
        """A view of the model as trained under one compile: `compile` and the fits it is in force for."""
        if compile is None or (compile is self.compile and self.base is not None):
            return self
        obj = self.obj
        view = obj._views.get(id(compile))
        if view is None:
            fits = [f for f in compile.fits if any(f is g for g in obj.fits)]  # a variant: its own arm's fits
            view = obj._views[id(compile)] = dataclasses.replace(obj, compile=compile, fits=fits, base=obj)
        return view

    @property
    def output_layer(self) -> LayerInfo | None:
        for layer in reversed(self.layers):
            if layer.kind not in ("Dropout", "Activation", "Softmax", "Flatten", "Reshape") and layer.kind not in ACTIVATION_LAYERS:
                return layer
        return None


# --------------------------------------------------------------------------- facts kept across analyses
# What `Program._kept` keeps of one statement for the next analysis of the file: plain facts about the
# statement's nodes (which are the same objects in both analyses), never the views built from them.
class _CompileFacts(NamedTuple):
    optimizer: OptimizerInfo | None
    loss: LossInfo | None
    metrics: list[str]


class _FitFacts(NamedTuple):
    x: cst.BaseExpression | None
    y: cst.BaseExpression | None
    # the arguments' static values (`SemanticModel.const`), NOTHING where not written
    batch_size: object
    epochs: object
    validation_split: object
    shuffle: object


# What an element of a model's layers is (`Program._read_layer`); `via` is the statement a name led to (or -1).
@dataclass(frozen=True, slots=True)
class _LayerElement:
    """A known Keras layer: its constructor call, written at statement `at`."""

    call: cst.Call
    qualname: str
    at: int
    kind: str
    via: int


@dataclass(frozen=True, slots=True)
class _InputElement:
    """`Input(...)` / `InputLayer(...)`: the model's input shape (None: not a literal)."""

    shape: tuple[int | None, ...] | None
    via: int


@dataclass(frozen=True, slots=True)
class _OpaqueElement:
    """Not a known layer (a nested model, a custom layer, a name with no static value)."""

    via: int


_Element = Union[_LayerElement, _InputElement, _OpaqueElement]


class _ChainLink(NamedTuple):
    """One layer of a functional model's chain (`Program._chain`): its constructor call at statement `at`,
    and the call applying it to a tensor at statement `applying_at` (None, -1: not applied)."""

    call: cst.Call
    at: int
    applying: cst.Call | None
    applying_at: int


_F = TypeVar("_F")


# --------------------------------------------------------------------------- the program
LOSS_ALIASES = {
    "mean_squared_error": "mse", "meansquarederror": "mse", "mse": "mse",
    "mean_absolute_error": "mae", "meanabsoluteerror": "mae", "mae": "mae",
    "binary_crossentropy": "binary_crossentropy", "binarycrossentropy": "binary_crossentropy",
    "binary_focal_crossentropy": "binary_crossentropy", "binaryfocalcrossentropy": "binary_crossentropy",
    "categorical_crossentropy": "categorical_crossentropy", "categoricalcrossentropy": "categorical_crossentropy",
    "categorical_focal_crossentropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "sparse_categorical_crossentropy",
    "sparsecategoricalcrossentropy": "sparse_categorical_crossentropy",
    "hinge": "hinge", "squared_hinge": "hinge", "categorical_hinge": "hinge", "kld": "kld",
    "kullback_leibler_divergence": "kld", "huber": "huber", "huber_loss": "huber", "logcosh": "logcosh",
    "mean_absolute_percentage_error": "mape", "mape": "mape", "msle": "msle", "poisson": "poisson",
}
OPTIMIZER_DEFAULT_LR = {
    "adam": 0.001, "adamw": 0.001, "adamax": 0.001, "nadam": 0.001, "rmsprop": 0.001, "sgd": 0.01,
    "adagrad": 0.001, "adadelta": 0.001, "ftrl": 0.001, "lion": 0.001, "lamb": 0.001,
}


class _UseCalls(cst.CSTVisitor):
    def __init__(self, top: cst.Call) -> None:
        self.top = top
        self.found: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if node is not self.top and type(func) is cst.Attribute and type(func.value) is cst.Name and \
                func.attr.value in USE_METHODS:
            self.found.append(node)


def _nested_uses(raw: RawStmt) -> tuple[cst.Call, ...]:
    """`model.evaluate(...)` / `model.predict(...)` calls inside a statement's value (not the value itself),
    cached on the statement's facts."""
    cached: tuple[cst.Call, ...] | None = raw.__dict__.get("_nested_uses")
    if cached is None:
        value = raw.value
        cached = ()
        if type(value) is cst.Call and value.args and \
                (type(value.func) is not cst.Attribute or value.func.attr.value not in USE_METHODS):
            visitor = _UseCalls(value)
            value.visit(visitor)
            cached = tuple(visitor.found)
        raw.__dict__["_nested_uses"] = cached
    return cached


class Program(SemanticModel):
    """The Keras layer over the semantic model: models, layers, compile, fit (see the module docstring)."""

    def __init__(self, source: str, cache: ChunkCache | None = None, path: str = "<string>",
                 previous: "Program | None" = None) -> None:
        super().__init__(source, cache, path)
        # an earlier analysis of the same file: the statements an edit affects (analysis/incremental.py), and
        # the Keras facts read off every other statement, reused as they are (`_kept`)
        self.affected: set[int] | None = None
        # (kind, id(node), statement index) -> (the node, the fact `_kept` read of that kind)
        self._kept_before: dict[tuple[str, int, int], tuple[cst.CSTNode, object]] = {}
        if previous is not None:
            from learnability.analysis.incremental import affected

            try:
                self.affected = affected(previous, self)
            except Exception:  # the shortcut must never take the analysis down: build everything anew
                self.affected = None
            if self.affected is not None:
                self._kept_before = previous._kept_now
        self._kept_now: dict[tuple[str, int, int], tuple[cst.CSTNode, object]] = {}
        self.models: list[ModelInfo] = []
        self._made: dict[int, ModelInfo] = {}  # statement index -> the model its value made
        self.calls_by_method: dict[str, _MethodCalls] = _WatchedDict(self)
        self._activation_memo: dict[int, tuple[LayerInfo, tuple[str, cst.Arg | None]]] = {}
        # functional API: id(layer constructor call) -> (the call applying it to a tensor, its statement)
        self.applied: dict[int, tuple[cst.Call, Stmt]] = {}
        self._trainings: list[ModelInfo] | None = None
        self._build()
        self._kept_before = {}  # read by the build only: the previous analysis' facts are not held on to

    # ----- building
    def _kept(self, kind: str, node: cst.CSTNode, index: int, compute: Callable[[], _F]) -> _F:
        """`compute()`, a fact read off `node` at statement `index` (and what its names lead to), or the same
        fact of the previous analysis when the edit does not affect that statement. Each `kind` is read by
        one `compute` (a compile's, a fit's, a layer element's, a functional chain's)."""
        key = (kind, id(node), index)
        hit = self._kept_before.get(key)
        affected = self.affected  # (not None when `_kept_before` holds anything)
        if hit is not None and hit[0] is node and affected is not None and index not in affected:
            self._kept_now[key] = hit
            return cast(_F, hit[1])  # stored under this `kind` by the same `compute`: the same type
        value = compute()
        self._kept_now[key] = (node, value)  # the entry holds the node: its id is not reused meanwhile
        return value

    def _build(self) -> None:
        call_type = cst.Call  # exact types below: libcst's node classes are not subclassed
        seen_calls: set[int] = set()
        for stmt in self.stmts:
            raw = stmt.raw
            kind = raw.kind
            value = raw.value
            if type(value) is not call_type:
                if kind == "expr" and type(value) is cst.Tuple:
                    for el in value.elements:  # model.add(MaxPool2D()),  (a stray trailing comma)
                        if type(el.value) is call_type:
                            self._method_call(stmt, el.value)
                continue
            if stmt.returns is not None:
                continue  # a user function analysed for this call: its statements stand before it
            if kind == "assign" or kind == "return":
                self._model_from_assign(stmt)
            elif kind == "expr":
                self._method_call(stmt, value)
            for inner in _nested_uses(raw):  # print(model.evaluate(x_test, y_test)), np.argmax(model.predict(x))
                self._method_call(stmt, inner)
            if type(value.func) is cst.Attribute and id(value) not in seen_calls:  # once a call in the source
                seen_calls.add(id(value))
                self.calls_by_method.setdefault(value.func.attr.value, []).append((stmt, value))
        self._split_branches()
        self.models = Watched(self.models, self)

    def _split_branches(self) -> None:
        """A model whose layers are added on two arms of one branch (`if conv: model.add(Conv2D...)
        else: model.add(Dense...)`) is one model per combination of arms (at most MAX_VARIANTS), each
        with the layers, compiles and fits of its own arms."""
        if not self._bp_info:
            return  # no branch in the program
        stmts = self.stmts
        out: list[ModelInfo] = []
        for model in self.models:
            start = len(stmts[model.call.index].branch)
            if not any(len(branch) > start for branch, _layer in model._events):
                out.append(model)
                continue
            arms: dict[int, list[int]] = {}
            for branch, _layer in model._events:
                for bp, arm in branch[start:]:
                    if arm >= 0 and arm not in arms.setdefault(bp, []):
                        arms[bp].append(arm)
            split = [bp for bp, a in arms.items() if len(a) > 1]
            if not split:
                out.append(model)
                continue
            for number, combo in enumerate(itertools.islice(itertools.product(*(arms[bp] for bp in split)), MAX_VARIANTS)):
                chosen = dict(zip(split, combo))

                def keep(branch: Branch, chosen: dict[int, int] = chosen) -> bool:
                    return all(chosen.get(bp, arm) == arm for bp, arm in branch if arm >= 0)

                variant = dataclasses.replace(model, layers=[], opaque=[], _views={}, _events=[], base=None,
                                              variant=number)
                for branch, layer in model._events:
                    if not keep(branch):
                        continue
                    if layer is None:
                        variant.opaque.append(len(variant.layers))
                    else:
                        variant.layers.append(LayerInfo(layer.call, layer.kind, variant, len(variant.layers)))
                variant.compiles = [c for c in model.compiles if keep(stmts[c.index].branch)]
                variant.compile = variant.compiles[-1] if variant.compiles else None
                variant.fits = [f for f in model.fits if keep(stmts[f.call.index].branch)]
                variant.uses = [f for f in model.uses if keep(stmts[f.call.index].branch)]
                out.append(variant)
        self.models = out

    def _model_from_assign(self, stmt: Stmt) -> None:
        """A model made by the value of an assignment or of a `return`; other calls may be methods
        (history = model.fit(...))."""
        value = stmt.raw.value
        assert type(value) is cst.Call
        q = self.qualname(value.func, stmt) or ""
        if q not in _MODEL_CLASSES:
            self._method_call(stmt, value)
            return
        targets = stmt.raw.targets
        if stmt.raw.kind == "return":
            var = f"{stmt.raw.func}()"
        elif len(targets) == 1 and not targets[0][1] and stmt.raw.aug_op is None:
            var = targets[0][0]
        else:
            return
        call = self.call_view(value, stmt)
        if q in ("keras.Sequential", "keras.models.Sequential"):
            model = ModelInfo(var, "sequential", call)
            model.footprint.add(stmt.index)
            arg = call.arg(0, "layers")
            if arg is not None:
                lst = arg.value
                lstmt = stmt  # the statement holding the list: its nodes' positions are in its chunk
                if type(lst) is cst.Name:
                    value, vstmt = self.value_of(lst.value, stmt.index)
                    if value is not None and vstmt is not None:
                        lst, lstmt = value, vstmt
                if type(lst) is cst.List or type(lst) is cst.Tuple:
                    # list_node: only a list written in the call itself (fixes edit it next to the call)
                    model.list_node = lst if type(lst) is cst.List and lstmt is stmt else None
                    for el in lst.elements:
                        self._add_layer(model, el.value, lstmt)
        else:
            outputs = call.arg(1, "outputs", "output")
            if outputs is None:
                return
            model = ModelInfo(var, "functional", call)
            model.footprint.add(stmt.index)
            chain = self._chain(outputs.value, stmt)
            for layer_call, lstmt in chain:
                applying = self.applied.get(id(layer_call))
                if applying is not None:
                    model.footprint.add(applying[1].index)
                self._add_layer(model, layer_call, lstmt)
        self.models.append(model)
        self._made[stmt.index] = model

    def models_at(self, var: str, index: int, _depth: int = 0) -> list[ModelInfo]:
        """The model objects `var` may refer to at statement `index` (one per reaching binding that holds
        a model; none when the name was last bound to something else)."""
        out: list[ModelInfo] = []
        for stmt, path in self.reaching(var, index):
            if path:
                continue
            stmt = _through_returns(stmt)
            model = self._made.get(stmt.index)
            if model is None:
                value = stmt.raw.value
                if type(value) is cst.Name and _depth < 12 and stmt.raw.aug_op is None:
                    for m in self.models_at(value.value, stmt.index, _depth + 1):
                        if m not in out:
                            out.append(m)
                continue
            if model not in out:
                out.append(model)
        return out

    def model_at(self, var: str, index: int) -> ModelInfo | None:
        """The model `var` refers to at statement `index` (the nearest binding's)."""
        models = self.models_at(var, index)
        return models[0] if models else None

    def _add_layer(self, model: ModelInfo, node: cst.BaseExpression, stmt: Stmt) -> None:
        model.footprint.add(stmt.index)
        found = self._kept("layer", node, stmt.index, lambda: self._read_layer(node, stmt))
        if found.via >= 0:
            model.footprint.add(found.via)
        if isinstance(found, _InputElement):
            if found.shape is not None:
                model.input_shape = found.shape
        elif isinstance(found, _LayerElement):
            call = CallView(found.call, found.qualname, found.at, self.stmts[found.at].placed)
            layer = LayerInfo(call, found.kind, model, len(model.layers))
            model.layers.append(layer)
            model._events.append((stmt.branch, layer))
        else:
            model.opaque.append(len(model.layers))
            model._events.append((stmt.branch, None))

    def _read_layer(self, node: cst.BaseExpression, stmt: Stmt) -> _Element:
        """What an element of a model's layers is: a layer, an input (its shape) or opaque; with the
        statement a name led to (or -1)."""
        at = stmt
        extra = -1
        if type(node) is cst.Name:
            value, vstmt = self.value_of(node.value, stmt.index)
            if value is None or vstmt is None:  # (a value always comes with its statement)
                return _OpaqueElement(-1)
            node, at = value, vstmt
            extra = vstmt.index
        if type(node) is not cst.Call:
            return _OpaqueElement(extra)
        call = self.call_view(node, at)
        if call.qualname and _is_layer(call.qualname):
            kind = call.name
            if kind in ("Input", "InputLayer"):
                shape_arg = call.arg(0, "shape", "input_shape", "batch_shape", "batch_input_shape")
                shape = self.const(shape_arg, at.index)
                if isinstance(shape, tuple):
                    batched = shape_arg is not None and shape_arg.keyword is not None and \
                        shape_arg.keyword.value in ("batch_shape", "batch_input_shape")
                    return _InputElement(shape[1:] if batched else shape, extra)
                return _InputElement(None, extra)
            return _LayerElement(node, call.qualname, at.index, kind, extra)
        return _OpaqueElement(extra)

    def _chain(self, node: cst.BaseExpression, stmt: Stmt) -> list[tuple[cst.Call, Stmt]]:
        """`_functional_chain` from a Model(...) call's outputs, kept across analyses as `_kept` keeps facts."""
        def read() -> list[_ChainLink]:
            chain = self._functional_chain(node, stmt.index, stmt)
            out = []
            for layer_call, lstmt in chain:
                applying = self.applied.get(id(layer_call))
                out.append(_ChainLink(layer_call, lstmt.index, applying[0] if applying else None,
                                      applying[1].index if applying else -1))
            return out

        stmts = self.stmts
        chain: list[tuple[cst.Call, Stmt]] = []
        for layer_call, at, applying, applying_at in self._kept("chain", node, stmt.index, read):
            if applying is not None:
                self.applied[id(layer_call)] = (applying, stmts[applying_at])
            chain.append((layer_call, stmts[at]))
        return chain

    def _functional_chain(self, node: cst.BaseExpression, index: int,
                          start: Stmt | None = None) -> list[tuple[cst.Call, Stmt]]:
        chain: list[tuple[cst.Call, Stmt]] = []
        seen = 0
        stmt: Stmt | None = start  # the statement `node` is in: Model(inputs, Dense(1)(x)) written inline
        while seen < 500:
            seen += 1
            if type(node) is cst.Name:
                value, vstmt = self.value_of(node.value, index)
                if value is None or vstmt is None:
                    break
                node, index, stmt = value, vstmt.index, vstmt
                continue
            if (type(node) is cst.List or type(node) is cst.Tuple) and node.elements:
                node = node.elements[0].value
                continue
            if type(node) is not cst.Call or stmt is None:
                break
            if self.qualname(node.func, stmt) in ("keras.Input", "keras.layers.Input"):
                chain.append((node, stmt))  # the model's input: gives its shape
                break
            func = node.func
            layer_call = None
            lstmt = stmt
            if type(func) is cst.Call:
                layer_call = func
            elif type(func) is cst.Name:
                v, vs = self.value_of(func.value, index)
                if type(v) is cst.Call and vs is not None:
                    layer_call, lstmt = v, vs
            if layer_call is None:
                break
            q = self.qualname(layer_call.func, lstmt)
            if not (q and _is_layer(q)):
                break
            chain.append((layer_call, lstmt))
            self.applied[id(layer_call)] = (node, stmt)
            if not node.args:
                break
            node = node.args[0].value
        chain.reverse()
        return chain

    def _method_call(self, stmt: Stmt, call: cst.Call) -> None:
        func = call.func
        if type(func) is not cst.Attribute or type(func.value) is not cst.Name:
            return
        method = func.attr.value
        if method not in ("add", "compile") and method not in TRAINING_METHODS and method not in USE_METHODS:
            return
        models = self.models_at(func.value.value, stmt.index)
        if not models:
            return
        view = self.call_view(call, stmt)
        for model in models:
            model.footprint.add(stmt.index)
            if method == "add":
                if view.args:
                    self._add_layer(model, view.args[0].value, stmt)
            elif method == "compile":
                info = self._compile(view, stmt)
                info.model = model
                model.compiles.append(info)
                model.compile = info
            else:
                fit = self._fit(view, method, stmt)
                fit.model = model
                compiles = model.compiles
                if compiles:
                    at = [c.call.index for c in compiles]
                    entries = [(self.stmts[c.call.index], c) for c in compiles]
                    fit.compiles = [e[1] for e in reach(at, entries, stmt.index + 1, stmt.branch, self._bp_info)]
                training = method in TRAINING_METHODS
                for c in fit.compiles:
                    (c.fits if training else c.uses).append(fit)
                (model.fits if training else model.uses).append(fit)

    def _compile(self, view: CallView, stmt: Stmt) -> CompileInfo:
        optimizer, loss, metrics = self._kept("compile", view.node, stmt.index, lambda: self._read_compile(view, stmt))
        return CompileInfo(view, optimizer, loss, metrics)

    def _read_compile(self, view: CallView, stmt: Stmt) -> _CompileFacts:
        opt_arg = view.arg(0, "optimizer")
        loss_arg = view.arg(1, "loss")
        metrics_arg = view.arg(None, "metrics")
        optimizer = self.optimizer(opt_arg.value, stmt) if opt_arg is not None else None
        if opt_arg is None:
            optimizer = OptimizerInfo("rmsprop", view.node, stmt.placed, stmt.index,
                                      learning_rate=0.001, lr_default=True)
        loss = self.loss(loss_arg.value, stmt) if loss_arg is not None else None
        metrics: list[str] = []
        if metrics_arg is not None:
            mv = metrics_arg.value
            elements = mv.elements if (type(mv) is cst.List or type(mv) is cst.Tuple) else []
            for el in elements:
                v = el.value
                if type(v) is cst.SimpleString:
                    metrics.append(str(string_value(v)).lower())
                elif type(v) is cst.Call or type(v) is cst.Attribute or type(v) is cst.Name:
                    q = self.qualname(v.func if type(v) is cst.Call else v, stmt)
                    metrics.append(last(q).lower())
        return _CompileFacts(optimizer, loss, metrics)

    def _fit(self, view: CallView, method: str, stmt: Stmt) -> FitInfo:
        fields = self._kept("fit", view.node, stmt.index, lambda: self._read_fit(view, method, stmt))
        info = FitInfo(view, method, fields.x, fields.y)
        info.batch_size, info.epochs, info.validation_split, info.shuffle = fields[2:]
        return info

    def _read_fit(self, view: CallView, method: str, stmt: Stmt) -> _FitFacts:
        x = view.arg(0, "x", "generator")
        y = view.arg(1, "y") if not method.startswith("predict") else None
        info = FitInfo(view, method, x.value if x else None, y.value if y else None)
        if method in TRAINING_METHODS:  # evaluate / predict: their data is what the rules read
            for attr, pos, names in (("batch_size", 2, ("batch_size",)), ("epochs", 3, ("epochs", "nb_epoch")),
                                     ("validation_split", 6, ("validation_split",)), ("shuffle", 8, ("shuffle",))):
                arg = view.arg(pos if method == "fit" else None, *names)
                if arg is not None:
                    setattr(info, attr, self.const(arg, stmt.index))
        return _FitFacts(info.x, info.y, info.batch_size, info.epochs, info.validation_split, info.shuffle)

    # ----- queries
    def calls_method(self, name: str) -> bool:
        """Whether the program calls a method of that name anywhere (`x.name(...)` as a statement). The set of
        such names is compared between analyses (`analysis/incremental.py`): asking is not reading it all."""
        return dict.__contains__(self.calls_by_method, name)

    def trainings(self) -> list[ModelInfo]:
        """Each model once per compile (a view: `compile` is that compile and `fits` the fits it is in force
        for), and each model never compiled as it is. The loss rules read a loss with the labels of the fits
        that use that very compile."""
        if self.recording:
            self.read_all = True
        if self._trainings is None:
            out: list[ModelInfo] = []
            for model in list.__iter__(self.models):
                if not model.compiles:
                    out.append(model)
                for c in model.compiles:
                    out.append(model.with_compile(c))
            self._trainings = out
        return self._trainings

    def call_view(self, node: cst.Call, stmt: Stmt) -> CallView:
        return CallView(node, self.qualname(node.func, stmt), stmt.index, stmt.placed)

    def optimizer(self, node: cst.BaseExpression, stmt: Stmt) -> OptimizerInfo | None:
        index = stmt.index
        placed = stmt.placed
        at_stmt = stmt
        if type(node) is cst.Name:
            found = self.resolve_call(node, index)
            if found is None:
                v = self.const(node, index)
                if isinstance(v, str):
                    kind = v.lower()
                    return OptimizerInfo(kind, node, placed, index, learning_rate=OPTIMIZER_DEFAULT_LR.get(kind), lr_default=True)
                return None
            node, at_stmt = found
        if type(node) is cst.SimpleString:
            kind = str(string_value(node)).lower()
            return OptimizerInfo(kind, node, placed, index, learning_rate=OPTIMIZER_DEFAULT_LR.get(kind), lr_default=True)
        if type(node) is not cst.Call:
            return None
        view = self.call_view(node, at_stmt)
        q = view.qualname or ""
        if not (q.startswith("keras.optimizers.") or q.startswith("tensorflow.optimizers.")
                or q.startswith(("tensorflow.train.", "tensorflow.compat.v1.train."))):
            return None
        kind = view.name.lower().replace("optimizer", "") or view.name.lower()
        info = OptimizerInfo(kind, node, at_stmt.placed, at_stmt.index, call=view)
        lr_arg = view.arg(0, "learning_rate", "lr")
        if lr_arg is None:
            info.learning_rate = OPTIMIZER_DEFAULT_LR.get(kind)
            info.lr_default = True
            return info
        info.lr_arg = lr_arg
        value = self.const(lr_arg, at_stmt.index)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            info.learning_rate = float(value)
            return info
        found = self.resolve_call(lr_arg.value, at_stmt.index) if type(lr_arg.value) is cst.Name else None
        sched_node, sched_stmt = found if found else (lr_arg.value, at_stmt)
        if type(sched_node) is cst.Call:
            sview = self.call_view(sched_node, sched_stmt)
            if "schedules" in (sview.qualname or "") or sview.name.endswith("Decay"):
                info.schedule = sview.name
                init = sview.arg(0, "initial_learning_rate", "learning_rate")
                v = self.const(init, sched_stmt.index) if init is not None else NOTHING
                if isinstance(v, (int, float)):
                    info.learning_rate = float(v)
        return info

    def loss(self, node: cst.BaseExpression, stmt: Stmt) -> LossInfo | None:
        index = stmt.index
        placed = stmt.placed
        if type(node) is cst.Name and node.value not in self.aliases:
            v = self.const(node, index)
            if isinstance(v, str):
                return LossInfo(LOSS_ALIASES.get(v.lower(), v.lower()), node, placed)
            found = self.resolve_call(node, index)
            if found is not None:
                node, stmt = found
                index, placed = stmt.index, stmt.placed
        if type(node) is cst.SimpleString:
            v = str(string_value(node)).lower()
            return LossInfo(LOSS_ALIASES.get(v, v), node, placed)
        if type(node) is cst.Call:
            view = self.call_view(node, stmt)
            name = view.name.lower()
            if not (view.qualname or "").startswith(("keras.losses", "tensorflow.losses", "keras.metrics")):
                return None
            info = LossInfo(LOSS_ALIASES.get(name, name), node, placed)
            # the crossentropy classes take from_logits first: BinaryCrossentropy(True)
            fl = view.arg(0 if view.name[:1].isupper() and "crossentropy" in name else None, "from_logits")
            if fl is not None:
                info.from_logits = self.const(fl, index) is True
                info.from_logits_arg = fl
            return info
        if type(node) is cst.Attribute or type(node) is cst.Name:
            q = self.qualname(node, stmt) or ""
            if q.startswith(("keras.losses", "tensorflow.losses", "keras.metrics")):
                name = last(q).lower()
                return LossInfo(LOSS_ALIASES.get(name, name), node, placed)
        return None

    def activation_name(self, node: cst.BaseExpression | None, index: int) -> str | None:
        """Normalize an activation argument: 'relu', tf.nn.relu, keras.activations.relu, None."""
        if node is None:
            return None
        if type(node) is cst.Name and node.value == "None":
            return "linear"
        v = self.const(node, index)
        if isinstance(v, str):
            return v.lower()
        q = self.qualname(node.func if type(node) is cst.Call else node)
        if q:
            if q.startswith(_ACTIVATION_FUNCS) or "activations" in q:
                return last(q).lower()
            if q.startswith("keras.layers."):
                return ACTIVATION_LAYERS.get(last(q), None)
        return None

    def layer_activation(self, layer: LayerInfo) -> tuple[str, cst.Arg | None]:
        """(activation name, the argument that set it). Defaults to linear. Memoised per program
        (a dozen rules ask about the same layers)."""
        hit = self._activation_memo.get(id(layer))
        if hit is not None and hit[0] is layer:
            return hit[1]
        answer = self._layer_activation(layer)
        self._activation_memo[id(layer)] = (layer, answer)
        return answer

    def _layer_activation(self, layer: LayerInfo) -> tuple[str, cst.Arg | None]:
        if layer.kind == "Activation":
            arg = layer.arg(0, "activation")
            return (self.activation_name(arg.value, layer.call.index) if arg else None) or "linear", arg
        if layer.kind in ACTIVATION_LAYERS:
            return ACTIVATION_LAYERS[layer.kind], None
        pos = 1 if layer.kind == "Dense" else None
        arg = layer.arg(pos, "activation")
        if arg is None:
            if any(a.star == "**" for a in layer.call.node.args):
                return "unknown", None  # Dense(64, **cfg): cfg may hold the activation
            return "linear", None
        return self.activation_name(arg.value, layer.call.index) or "unknown", arg

    def effective_activation(self, model: ModelInfo, position: int) -> tuple[str, LayerInfo, cst.Arg | None]:
        """The activation that follows layer `position`: its own, or the next Activation layer's when
        its own is linear (Conv2D(...) then Activation('sigmoid'))."""
        layer = model.layers[position]
        act, arg = self.layer_activation(layer)
        if act == "linear":
            for nxt in model.layers[position + 1:]:
                if nxt.kind == "Activation" or nxt.kind in ACTIVATION_LAYERS:
                    a, narg = self.layer_activation(nxt)
                    return a, nxt, narg
                if nxt.kind not in ("Dropout", "BatchNormalization", "LayerNormalization", "Flatten", "Reshape"):
                    break
        return act, layer, arg


_MethodCalls = list[tuple[Stmt, cst.Call]]


class _WatchedDict(dict[str, _MethodCalls]):
    """`Program.calls_by_method`: reading it is reading the whole program (see `Watched`)."""

    __slots__ = ("owner",)

    def __init__(self, owner: SemanticModel) -> None:
        super().__init__()
        self.owner = owner

    def _touch(self) -> None:
        if self.owner.recording:
            self.owner.read_all = True

    @overload
    def get(self, key: str, default: None = None, /) -> _MethodCalls | None: ...
    @overload
    def get(self, key: str, default: _MethodCalls, /) -> _MethodCalls: ...
    @overload
    def get(self, key: str, default: _F, /) -> _MethodCalls | _F: ...

    def get(self, key: str, default: object = None, /) -> object:
        self._touch()
        return dict.get(self, key, default)

    def __getitem__(self, key: str) -> _MethodCalls:
        self._touch()
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self._touch()
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[str]:
        self._touch()
        return dict.__iter__(self)

    def items(self) -> dict_items[str, _MethodCalls]:
        self._touch()
        return dict.items(self)

    def values(self) -> dict_values[str, _MethodCalls]:
        self._touch()
        return dict.values(self)

    def keys(self) -> dict_keys[str, _MethodCalls]:
        self._touch()
        return dict.keys(self)


def _is_layer(q: str) -> bool:
    if q.startswith("keras.layers."):
        return True
    return q in ("keras.Input", "keras.InputLayer")
