"""A small model of a Keras program, built from cached per-chunk statement facts.

What it knows: imports and aliases, module-level assignments (in order), user functions and
what they return, models (Sequential lists, `.add`, the functional API), their layers,
`compile` (optimizer, learning rate, loss, metrics) and `fit` (data, epochs, batch size).
Scopes are flattened: a function body is read as if it ran where it stands, which is how
scripts that build a model in `build_model()` are usually written.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any, Iterator

import libcst as cst

from learnability.analysis.chunks import ChunkCache, PlacedChunk, parse_chunks
from learnability.analysis.names import dotted, last, module_name, normalize
from learnability.findings import AnalysisError, Span

NOTHING: Any = object()  # "no static value"

KNOWN_LAYERS = frozenset(
    """Dense Conv1D Conv2D Conv3D Conv2DTranspose Conv1DTranspose Conv3DTranspose SeparableConv2D
    SeparableConv1D DepthwiseConv2D Convolution2D Convolution1D MaxPooling2D MaxPooling1D MaxPooling3D
    MaxPool2D MaxPool1D AveragePooling2D AveragePooling1D AvgPool2D GlobalAveragePooling2D
    GlobalMaxPooling2D GlobalAveragePooling1D GlobalMaxPooling1D GlobalAvgPool2D GlobalMaxPool2D
    Flatten Dropout SpatialDropout2D BatchNormalization LayerNormalization Activation ReLU LeakyReLU
    PReLU ELU Softmax Rescaling Normalization Reshape Input InputLayer Embedding LSTM GRU SimpleRNN
    Bidirectional Concatenate Add ZeroPadding2D UpSampling2D Lambda GaussianNoise RandomFlip
    RandomRotation RandomZoom Resizing CenterCrop Permute RepeatVector TimeDistributed""".split()
)
CONV_LAYERS = frozenset(
    """Conv1D Conv2D Conv3D Conv2DTranspose Conv1DTranspose Conv3DTranspose SeparableConv2D
    SeparableConv1D DepthwiseConv2D Convolution2D Convolution1D""".split()
)
POOL_LAYERS = frozenset("MaxPooling2D MaxPooling1D MaxPooling3D MaxPool2D MaxPool1D AveragePooling2D AveragePooling1D AvgPool2D".split())
ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "PReLU": "prelu", "ELU": "elu", "Softmax": "softmax"}

# bare names that resolve to Keras classes unless the program assigns them (see Program.qualname)
_SHADOWABLE = KNOWN_LAYERS | {"Sequential", "Model"}
_QUAL_MEMO_MAX = 200_000
_MODEL_CLASSES = frozenset({"keras.Sequential", "keras.models.Sequential", "keras.Model", "keras.models.Model"})
_ACTIVATION_FUNCS = ("keras.activations.", "tensorflow.nn.", "tensorflow.math.", "tensorflow.")


# --------------------------------------------------------------------------- statement facts
@dataclass
class RawStmt:
    """A small statement, flattened out of compound statements; independent of its file."""

    kind: str  # import | assign | expr | return
    node: cst.CSTNode
    value: cst.BaseExpression | None = None
    targets: tuple[tuple[str, tuple[int, ...]], ...] = ()
    aug_op: str | None = None
    func: str | None = None
    imports: tuple[tuple[str, str], ...] = ()  # (local name, qualified name); "*" for star


def _target_paths(node: cst.BaseExpression, path: tuple[int, ...] = ()) -> Iterator[tuple[str, tuple[int, ...]]]:
    if isinstance(node, cst.Name):
        yield node.value, path
    elif isinstance(node, (cst.Tuple, cst.List)):
        for i, el in enumerate(node.elements):
            yield from _target_paths(el.value, path + (i,))


def _small_facts(stmt: cst.BaseSmallStatement, func: str | None) -> Iterator[RawStmt]:
    if isinstance(stmt, cst.Assign):
        targets = tuple(p for t in stmt.targets for p in _target_paths(t.target))
        yield RawStmt("assign", stmt, stmt.value, targets, func=func)
    elif isinstance(stmt, cst.AnnAssign) and stmt.value is not None:
        yield RawStmt("assign", stmt, stmt.value, tuple(_target_paths(stmt.target)), func=func)
    elif isinstance(stmt, cst.AugAssign):
        op = type(stmt.operator).__name__.replace("Assign", "")
        yield RawStmt("assign", stmt, stmt.value, tuple(_target_paths(stmt.target)), aug_op=op, func=func)
    elif isinstance(stmt, cst.Expr):
        yield RawStmt("expr", stmt, stmt.value, func=func)
    elif isinstance(stmt, cst.Return) and stmt.value is not None:
        yield RawStmt("return", stmt, stmt.value, func=func)
    elif isinstance(stmt, cst.Import):
        pairs = []
        for alias in stmt.names:
            full = module_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                pairs.append((alias.asname.name.value, full))
            else:
                top = full.split(".")[0]
                pairs.append((top, top))
        yield RawStmt("import", stmt, imports=tuple(pairs), func=func)
    elif isinstance(stmt, cst.ImportFrom) and not stmt.relative:
        mod = module_name(stmt.module)
        if isinstance(stmt.names, cst.ImportStar):
            yield RawStmt("import", stmt, imports=(("*", mod),), func=func)
        else:
            pairs = []
            for alias in stmt.names:
                name = module_name(alias.name)
                local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
                pairs.append((local, f"{mod}.{name}"))
            yield RawStmt("import", stmt, imports=tuple(pairs), func=func)


def _body_statements(node: cst.CSTNode) -> list[cst.CSTNode]:
    body = getattr(node, "body", None)
    if isinstance(body, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return list(body.body)
    return []


def flatten(statements: Any, func: str | None = None) -> Iterator[RawStmt]:
    for stmt in statements:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                yield from _small_facts(small, func)
        elif isinstance(stmt, cst.FunctionDef):
            yield from flatten(_body_statements(stmt), stmt.name.value)
        elif isinstance(stmt, cst.ClassDef):
            continue  # subclassed models are out of scope
        elif isinstance(stmt, cst.If):
            yield from flatten(_body_statements(stmt), func)
            orelse = stmt.orelse
            while orelse is not None:
                yield from flatten(_body_statements(orelse), func)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(stmt, cst.Try):
            yield from flatten(_body_statements(stmt), func)
            for handler in stmt.handlers:
                yield from flatten(_body_statements(handler), func)
            for extra in (stmt.orelse, stmt.finalbody):
                if extra is not None:
                    yield from flatten(_body_statements(extra), func)
        elif isinstance(stmt, (cst.For, cst.While, cst.With)):
            yield from flatten(_body_statements(stmt), func)
            if getattr(stmt, "orelse", None) is not None:
                yield from flatten(_body_statements(stmt.orelse), func)


def chunk_facts(placed: PlacedChunk) -> list[RawStmt]:
    chunk = placed.chunk
    facts = getattr(chunk, "_facts", None)
    if facts is None:
        facts = list(flatten(chunk.module.body)) if chunk.module is not None else []
        chunk._facts = facts  # type: ignore[attr-defined]
    return facts


@dataclass
class Stmt:
    index: int
    raw: RawStmt
    placed: PlacedChunk

    @property
    def kind(self) -> str:
        return self.raw.kind


# --------------------------------------------------------------------------- views
class _once:
    """functools.cached_property without its lock (Python 3.11 takes one on every first access,
    ~3 us: a thousand views an analysis)."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass
class CallView:
    node: cst.Call
    qualname: str | None
    index: int
    placed: PlacedChunk

    @_once  # read-only views, computed once (a hot path: rules ask for them often)
    def args(self) -> list[cst.Arg]:
        return _split_args(self.node, self.placed)[0]

    @_once
    def kwargs(self) -> dict[str, cst.Arg]:
        return _split_args(self.node, self.placed)[1]

    def arg(self, position: int | None, *names: str) -> cst.Arg | None:
        kw = self.kwargs
        for name in names:
            if name in kw:
                return kw[name]
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
    memo = placed.chunk.__dict__.setdefault("_split_args", {}) if placed is not None else None
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


def string_value(node: cst.SimpleString) -> Any:
    """A string literal's value; plain literals without escapes are read directly (libcst's
    evaluated_value goes through ast.literal_eval, ~20 us each)."""
    raw = node.value
    if raw[:1] in ("'", '"') and "\\" not in raw:
        q = 3 if raw[:3] in ('"""', "'''") and len(raw) >= 6 else 1
        return raw[q:-q]
    return node.evaluated_value


@dataclass
class LayerInfo:
    call: CallView
    kind: str
    model: "ModelInfo | None" = None
    position: int = 0

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


@dataclass
class LossInfo:
    name: str  # canonical: binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mse, mae, ...
    node: cst.BaseExpression
    placed: PlacedChunk
    from_logits: bool = False
    from_logits_arg: cst.Arg | None = None


@dataclass
class CompileInfo:
    call: CallView
    optimizer: OptimizerInfo | None
    loss: LossInfo | None
    metrics: list[str]


@dataclass
class FitInfo:
    call: CallView
    method: str
    x: cst.BaseExpression | None
    y: cst.BaseExpression | None
    batch_size: Any = NOTHING
    epochs: Any = NOTHING
    validation_split: Any = NOTHING
    shuffle: Any = NOTHING


@dataclass
class ModelInfo:
    var: str
    kind: str  # sequential | functional
    call: CallView
    layers: list[LayerInfo] = field(default_factory=list)
    list_node: cst.List | None = None  # the literal list of a Sequential([...])
    input_shape: tuple | None = None
    compile: CompileInfo | None = None
    fits: list[FitInfo] = field(default_factory=list)
    # positions in `layers` before which an element was seen that is not a known layer (a nested
    # model, a custom layer, a name with no static value): facts across such a point are unknown
    opaque: list[int] = field(default_factory=list)

    @property
    def output_layer(self) -> LayerInfo | None:
        for layer in reversed(self.layers):
            if layer.kind not in ("Dropout", "Activation", "Softmax", "Flatten", "Reshape") and layer.kind not in ACTIVATION_LAYERS:
                return layer
        return None


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


class Program:
    def __init__(self, source: str, cache: ChunkCache | None = None, path: str = "<string>") -> None:
        self.source = source
        self.path = path
        self.cache = cache if cache is not None else ChunkCache()  # an empty cache is falsy (__len__)
        self.errors: list[AnalysisError] = []
        self.stmts: list[Stmt] = []
        self.aliases: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.assigns: dict[str, list[tuple[int, Stmt, tuple[int, ...]]]] = {}
        self.functions: dict[str, Stmt] = {}  # function name -> its last return
        self.models: list[ModelInfo] = []
        self._model_vars: dict[str, list[tuple[int, ModelInfo]]] = {}
        self._model_ids: set[int] = set()
        # statement indices of `assigns` / `_model_vars` entries (ascending): lookups bisect them
        self._assign_at: dict[str, list[int]] = {}
        self._model_at: dict[str, list[int]] = {}
        self.calls_by_method: dict[str, list[tuple[Stmt, cst.Call]]] = {}
        self._qual_cache: dict[int, tuple[cst.CSTNode, str | None]] = {}
        self._const_memo: dict[tuple[int, int], tuple[cst.CSTNode, Any]] = {}
        self._activation_memo: dict[int, tuple[LayerInfo, tuple[str, cst.Arg | None]]] = {}
        # functional API: id(layer constructor call) -> (the call applying it to a tensor, its statement)
        self.applied: dict[int, tuple[cst.Call, Stmt]] = {}
        self._build()

    # ----- building
    def _build(self) -> None:
        index = 0
        for placed in parse_chunks(self.source, self.cache):
            if placed.chunk.error is not None:
                line, col, msg = placed.chunk.error
                self.errors.append(AnalysisError(self.path, placed.line_offset + line, col, msg))
                continue
            for raw in chunk_facts(placed):
                self.stmts.append(Stmt(index, raw, placed))
                index += 1
        for stmt in self.stmts:
            raw = stmt.raw
            if raw.kind == "import":
                for local, qual in raw.imports:
                    if local == "*":
                        self.star_imports.append(normalize(qual))
                    else:
                        self.aliases[local] = qual
            elif raw.kind == "assign":
                for name, path in raw.targets:
                    self.assigns.setdefault(name, []).append((stmt.index, stmt, path))
                    self._assign_at.setdefault(name, []).append(stmt.index)
            elif raw.kind == "return" and raw.func:
                self.functions[raw.func] = stmt
        self._qual_cache = self._shared_qual_cache()
        call_type = cst.Call  # exact types below: libcst's node classes are not subclassed
        for stmt in self.stmts:
            raw = stmt.raw
            kind = raw.kind
            value = raw.value
            is_call = type(value) is call_type
            if kind == "assign":
                if is_call:  # an assignment of anything else makes no model and calls nothing
                    self._model_from_assign(stmt)
            elif kind == "return":
                if raw.func and is_call:
                    self._model_from_assign(stmt, returned=raw.func)
            elif kind == "expr":
                if is_call:
                    self._method_call(stmt, value)
                elif type(value) is cst.Tuple:
                    for el in value.elements:  # model.add(MaxPool2D()),  (a stray trailing comma)
                        if type(el.value) is call_type:
                            self._method_call(stmt, el.value)
            if is_call and type(value.func) is cst.Attribute:  # only assign/expr/return carry a value
                self.calls_by_method.setdefault(value.func.attr.value, []).append((stmt, value))

    def _shared_qual_cache(self) -> dict[int, tuple[cst.CSTNode, str | None]]:
        """The qualified-name memo, kept by the chunk cache across analyses. A node's qualified name
        depends on the node (the same object while its chunk is cached) and on the imports, star
        imports and which layer-like names are assigned: the memo is dropped when those change."""
        env = (tuple(self.aliases.items()), tuple(self.star_imports),
               frozenset(name for name in self.assigns if name in _SHADOWABLE))
        cache = self.cache
        if cache.qual_env != env or len(cache.qual_memo) > _QUAL_MEMO_MAX:
            cache.qual_env = env
            cache.qual_memo = {}
        return cache.qual_memo

    def _model_from_assign(self, stmt: Stmt, returned: str | None = None) -> None:
        """A model made by an assignment; or, with `returned` (a function name), by `return Sequential(...)`."""
        value = stmt.raw.value
        if returned is not None:
            if not isinstance(value, cst.Call):
                return
            var = f"{returned}()"
        elif not isinstance(value, cst.Call) or len(stmt.raw.targets) != 1 or stmt.raw.targets[0][1]:
            if isinstance(value, cst.Call):
                self._method_call(stmt, value)  # e.g. history = model.fit(...)
            return
        else:
            var = stmt.raw.targets[0][0]
        q = self.qualname(value.func, stmt) or ""
        call = self.call_view(value, stmt) if q in _MODEL_CLASSES else None
        if q in ("keras.Sequential", "keras.models.Sequential"):
            assert call is not None
            model = ModelInfo(var, "sequential", call)
            arg = call.arg(0, "layers")
            if arg is not None:
                lst = arg.value
                lstmt = stmt  # the statement holding the list: its nodes' positions are in its chunk
                if isinstance(lst, cst.Name):
                    value, vstmt = self.value_of(lst.value, stmt.index)
                    if value is not None and vstmt is not None:
                        lst, lstmt = value, vstmt
                if isinstance(lst, (cst.List, cst.Tuple)):
                    # list_node: only a list written in the call itself (fixes edit it next to the call)
                    model.list_node = lst if isinstance(lst, cst.List) and lstmt is stmt else None
                    for el in lst.elements:
                        self._add_layer(model, el.value, lstmt)
            self._register_model(var, stmt.index, model)
        elif q in ("keras.Model", "keras.models.Model"):
            assert call is not None
            outputs = call.arg(1, "outputs", "output")
            inputs = call.arg(0, "inputs", "input")
            if outputs is None:
                return
            model = ModelInfo(var, "functional", call)
            chain = self._functional_chain(outputs.value, stmt.index, stmt)
            for layer_call, lstmt in chain:
                self._add_layer(model, layer_call, lstmt)
            self._register_model(var, stmt.index, model)
            _ = inputs
        elif returned is not None:
            return
        elif isinstance(value.func, cst.Name) and value.func.value in self.functions:
            ret = self.functions[value.func.value]
            if isinstance(ret.raw.value, cst.Name):
                m = self.model_at(ret.raw.value.value, ret.index + 1)
            else:  # def build(): return keras.Sequential([...])
                m = self.model_at(f"{value.func.value}()", ret.index + 1)
            if m is not None:
                self._register_model(var, stmt.index, m)
        else:
            self._method_call(stmt, value)

    def _register_model(self, var: str, index: int, model: ModelInfo) -> None:
        if id(model) not in self._model_ids:  # identity: dataclass == compares every field, deeply
            self._model_ids.add(id(model))
            self.models.append(model)
        entries = self._model_vars.setdefault(var, [])
        at = self._model_at.setdefault(var, [])
        pos = bisect.bisect_right(at, index)  # registered in statement order: normally appends
        entries.insert(pos, (index, model))
        at.insert(pos, index)

    def model_at(self, var: str, index: int) -> ModelInfo | None:
        """The model last bound to `var` before statement `index` (a bisection: O(log n))."""
        at = self._model_at.get(var)
        if not at:
            return None
        pos = bisect.bisect_left(at, index)
        return self._model_vars[var][pos - 1][1] if pos else None

    def _add_layer(self, model: ModelInfo, node: cst.BaseExpression, stmt: Stmt) -> None:
        at = stmt
        if isinstance(node, cst.Name):
            value, vstmt = self.value_of(node.value, stmt.index)
            if value is None:
                model.opaque.append(len(model.layers))
                return
            node, at = value, vstmt
        if not isinstance(node, cst.Call):
            model.opaque.append(len(model.layers))
            return
        call = self.call_view(node, at)
        if call.qualname and _is_layer(call.qualname):
            kind = call.name
            if kind in ("Input", "InputLayer"):
                shape_arg = call.arg(0, "shape", "input_shape", "batch_shape", "batch_input_shape")
                shape = self.const(shape_arg, at.index)
                if isinstance(shape, tuple):
                    batched = shape_arg is not None and shape_arg.keyword is not None and \
                        shape_arg.keyword.value in ("batch_shape", "batch_input_shape")
                    model.input_shape = shape[1:] if batched else shape
                return
            model.layers.append(LayerInfo(call, kind, model, len(model.layers)))
        else:
            model.opaque.append(len(model.layers))

    def _functional_chain(self, node: cst.BaseExpression, index: int,
                          start: Stmt | None = None) -> list[tuple[cst.Call, Stmt]]:
        chain: list[tuple[cst.Call, Stmt]] = []
        seen = 0
        stmt: Stmt | None = start  # the statement `node` is in: Model(inputs, Dense(1)(x)) written inline
        while seen < 500:
            seen += 1
            if isinstance(node, cst.Name):
                value, vstmt = self.value_of(node.value, index)
                if value is None or vstmt is None:
                    break
                node, index, stmt = value, vstmt.index, vstmt
                continue
            if isinstance(node, (cst.List, cst.Tuple)) and node.elements:
                node = node.elements[0].value
                continue
            if not isinstance(node, cst.Call) or stmt is None:
                break
            if self.qualname(node.func, stmt) in ("keras.Input", "keras.layers.Input"):
                chain.append((node, stmt))  # the model's input: gives its shape
                break
            func = node.func
            layer_call = None
            lstmt = stmt
            if isinstance(func, cst.Call):
                layer_call = func
            elif isinstance(func, cst.Name):
                v, vs = self.value_of(func.value, index)
                if isinstance(v, cst.Call) and vs is not None:
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
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Name):
            return
        model = self.model_at(func.value.value, stmt.index + 1)
        if model is None:
            return
        method = func.attr.value
        view = self.call_view(call, stmt)
        if method == "add" and view.args:
            self._add_layer(model, view.args[0].value, stmt)
        elif method == "compile":
            model.compile = self._compile(view, stmt)
        elif method in ("fit", "fit_generator"):
            model.fits.append(self._fit(view, method, stmt))

    def _compile(self, view: CallView, stmt: Stmt) -> CompileInfo:
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
            elements = mv.elements if isinstance(mv, (cst.List, cst.Tuple)) else []
            for el in elements:
                v = el.value
                if isinstance(v, cst.SimpleString):
                    metrics.append(str(string_value(v)).lower())
                elif isinstance(v, (cst.Call, cst.Attribute, cst.Name)):
                    q = self.qualname(v.func if isinstance(v, cst.Call) else v, stmt)
                    metrics.append(last(q).lower())
        return CompileInfo(view, optimizer, loss, metrics)

    def _fit(self, view: CallView, method: str, stmt: Stmt) -> FitInfo:
        x = view.arg(0, "x", "generator")
        y = view.arg(1, "y")
        info = FitInfo(view, method, x.value if x else None, y.value if y else None)
        for attr, pos, names in (("batch_size", 2, ("batch_size",)), ("epochs", 3, ("epochs", "nb_epoch")),
                                 ("validation_split", 6, ("validation_split",)), ("shuffle", 8, ("shuffle",))):
            arg = view.arg(pos if method == "fit" else None, *names)
            if arg is not None:
                setattr(info, attr, self.const(arg, stmt.index))
        return info

    # ----- queries
    def value_of(self, name: str, index: int, path: tuple[int, ...] = ()) -> tuple[cst.BaseExpression | None, Stmt | None]:
        """The expression last assigned to `name` before statement `index` (tuple targets unpacked
        when the value is a literal tuple)."""
        entry = self.assignment(name, index)
        if entry is None:
            return None, None
        stmt, tpath = entry
        if stmt.raw.aug_op is not None:
            return None, stmt
        value = stmt.raw.value
        for i in tpath:
            if isinstance(value, (cst.Tuple, cst.List)) and i < len(value.elements):
                value = value.elements[i].value
            else:
                return None, stmt
        return value, stmt

    def assignment(self, name: str, index: int) -> tuple[Stmt, tuple[int, ...]] | None:
        """The last assignment to `name` before statement `index` (a bisection: O(log n))."""
        at = self._assign_at.get(name)
        if not at:
            return None
        pos = bisect.bisect_left(at, index)
        if not pos:
            return None
        _, stmt, path = self.assigns[name][pos - 1]
        return stmt, path

    def qualname(self, node: cst.BaseExpression, stmt: Stmt | None = None) -> str | None:
        key = id(node)
        hit = self._qual_cache.get(key)
        if hit is not None and hit[0] is node:  # the memo holds the node: its id is not reused meanwhile
            return hit[1]
        name = dotted(node)
        result = None
        if name is not None:
            head, _, rest = name.partition(".")
            if head in self.aliases:
                full = self.aliases[head] + ("." + rest if rest else "")
                result = normalize(full)
            elif head in ("keras", "tf", "tensorflow", "np", "numpy", "layers"):
                base = {"tf": "tensorflow", "np": "numpy", "layers": "keras.layers"}.get(head, head)
                result = normalize(base + ("." + rest if rest else ""))
            elif not rest:
                for star in self.star_imports:
                    if head in KNOWN_LAYERS and star.startswith("keras"):
                        result = f"keras.layers.{head}"
                        break
                if result is None and head in KNOWN_LAYERS and head not in self.assigns:
                    result = f"keras.layers.{head}"  # a pasted snippet without its imports
                elif result is None and head in ("Sequential", "Model") and head not in self.assigns:
                    result = f"keras.{head}"
            if result is None:
                result = name
        self._qual_cache[key] = (node, result)
        return result

    def call_view(self, node: cst.Call, stmt: Stmt) -> CallView:
        return CallView(node, self.qualname(node.func, stmt), stmt.index, stmt.placed)

    def const(self, node: cst.BaseExpression | cst.Arg | None, index: int, depth: int = 0) -> Any:
        """Evaluate a literal expression with module-level constant propagation. Top-level answers are
        memoised per program (rules ask about the same arguments again and again)."""
        if depth:
            return self._const(node, index, depth)
        if type(node) is cst.Arg:
            node = node.value
        t = type(node)
        if t is cst.Integer or t is cst.Float or t is cst.SimpleString or node is None:
            return self._const(node, index, 0)
        if t is cst.Tuple or t is cst.List or t is cst.UnaryOperation or t is cst.BinaryOperation:
            # (3, 3), -1, 1e-3 * 2: a literal's value never changes; kept by the chunk cache across analyses
            literals = self.cache.literal_memo
            hit = literals.get(id(node))
            if hit is not None and hit[0] is node:
                return hit[1]
            if _is_literal(node):
                value = self._const(node, index, 0)
                if len(literals) > _QUAL_MEMO_MAX:
                    literals.clear()
                literals[id(node)] = (node, value)  # the memo holds the node: its id is not reused meanwhile
                return value
        key = (id(node), index)
        hit = self._const_memo.get(key)
        if hit is not None and hit[0] is node:  # the memo holds the node: its id is not reused meanwhile
            return hit[1]
        value = self._const(node, index, 0)
        self._const_memo[key] = (node, value)
        return value

    def _const(self, node: cst.BaseExpression | cst.Arg | None, index: int, depth: int) -> Any:
        t = type(node)  # exact types: libcst's node classes are not subclassed (isinstance goes through ABCMeta)
        if t is cst.Arg:
            node = node.value  # type: ignore[union-attr]
            t = type(node)
        if node is None or depth > 20:
            return NOTHING
        # literals: parsed directly (libcst's evaluated_value goes through ast.literal_eval, ~20 us each)
        if t is cst.Integer:
            try:
                return int(node.value, 0)
            except ValueError:
                return int(node.evaluated_value)
        if t is cst.Float:
            try:
                return float(node.value)
            except ValueError:
                return float(node.evaluated_value)
        if t is cst.SimpleString:
            return string_value(node)
        if t is cst.Name:
            if node.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[node.value]
            value, vstmt = self.value_of(node.value, index)
            if value is None or vstmt is None:
                return NOTHING
            return self._const(value, vstmt.index, depth + 1)
        if t is cst.UnaryOperation:
            v = self._const(node.expression, index, depth + 1)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if isinstance(node.operator, cst.Minus):
                    return -v
                if isinstance(node.operator, cst.Plus):
                    return v
            if isinstance(node.operator, cst.Not) and v is not NOTHING:
                return not v
            return NOTHING
        if t is cst.BinaryOperation:
            a = self._const(node.left, index, depth + 1)
            b = self._const(node.right, index, depth + 1)
            if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
                return NOTHING
            op = type(node.operator).__name__
            try:
                return {
                    "Add": lambda: a + b, "Subtract": lambda: a - b, "Multiply": lambda: a * b,
                    "Divide": lambda: a / b, "FloorDivide": lambda: a // b, "Power": lambda: a ** b,
                    "Modulo": lambda: a % b,
                }[op]()
            except (KeyError, ZeroDivisionError, OverflowError):
                return NOTHING
        if t is cst.Tuple or t is cst.List:
            items = []
            for el in node.elements:
                if isinstance(el, cst.StarredElement):
                    return NOTHING
                v = self._const(el.value, index, depth + 1)
                if v is NOTHING:
                    return NOTHING
                items.append(v)
            return tuple(items)
        if t is cst.Call:
            q = self.qualname(node.func)
            if q in ("math.pow", "pow") and len(node.args) == 2:
                a, b = (self._const(x.value, index, depth + 1) for x in node.args)
                if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                    return math.pow(a, b)
            if q in ("int", "float") and len(node.args) == 1:
                v = self._const(node.args[0].value, index, depth + 1)
                if isinstance(v, (int, float)):
                    return int(v) if q == "int" else float(v)
        return NOTHING

    def resolve_call(self, node: cst.BaseExpression | None, index: int) -> tuple[cst.Call, Stmt] | None:
        """Follow names to the call that made the value."""
        for _ in range(20):
            if isinstance(node, cst.Name):
                node, stmt = self.value_of(node.value, index)
                if stmt is None:
                    return None
                index = stmt.index
                if isinstance(node, cst.Call):
                    return node, stmt
                continue
            return None
        return None

    def optimizer(self, node: cst.BaseExpression, stmt: Stmt) -> OptimizerInfo | None:
        index = stmt.index
        placed = stmt.placed
        at_stmt = stmt
        if isinstance(node, cst.Name):
            found = self.resolve_call(node, index)
            if found is None:
                v = self.const(node, index)
                if isinstance(v, str):
                    kind = v.lower()
                    return OptimizerInfo(kind, node, placed, index, learning_rate=OPTIMIZER_DEFAULT_LR.get(kind), lr_default=True)
                return None
            node, at_stmt = found
        if isinstance(node, cst.SimpleString):
            kind = str(string_value(node)).lower()
            return OptimizerInfo(kind, node, placed, index, learning_rate=OPTIMIZER_DEFAULT_LR.get(kind), lr_default=True)
        if not isinstance(node, cst.Call):
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
        found = self.resolve_call(lr_arg.value, at_stmt.index) if isinstance(lr_arg.value, cst.Name) else None
        sched_node, sched_stmt = found if found else (lr_arg.value, at_stmt)
        if isinstance(sched_node, cst.Call):
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
        if isinstance(node, cst.Name) and node.value not in self.aliases:
            v = self.const(node, index)
            if isinstance(v, str):
                return LossInfo(LOSS_ALIASES.get(v.lower(), v.lower()), node, placed)
            found = self.resolve_call(node, index)
            if found is not None:
                node, stmt = found
                index, placed = stmt.index, stmt.placed
        if isinstance(node, cst.SimpleString):
            v = str(string_value(node)).lower()
            return LossInfo(LOSS_ALIASES.get(v, v), node, placed)
        if isinstance(node, cst.Call):
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
        if isinstance(node, (cst.Attribute, cst.Name)):
            q = self.qualname(node, stmt) or ""
            if q.startswith(("keras.losses", "tensorflow.losses", "keras.metrics")):
                name = last(q).lower()
                return LossInfo(LOSS_ALIASES.get(name, name), node, placed)
        return None

    def activation_name(self, node: cst.BaseExpression | None, index: int) -> str | None:
        """Normalize an activation argument: 'relu', tf.nn.relu, keras.activations.relu, None."""
        if node is None:
            return None
        if isinstance(node, cst.Name) and node.value == "None":
            return "linear"
        v = self.const(node, index)
        if isinstance(v, str):
            return v.lower()
        q = self.qualname(node.func if isinstance(node, cst.Call) else node)
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


def _is_literal(node: Any, depth: int = 0) -> bool:
    """A number, string, True/False/None, or tuples, lists and arithmetic of them: its value does not
    depend on the program (no names to look up, no calls)."""
    t = type(node)
    if t is cst.Integer or t is cst.Float or t is cst.SimpleString:
        return True
    if depth > 20:
        return False
    if t is cst.Name:
        return node.value in ("True", "False", "None")
    if t is cst.Tuple or t is cst.List:
        return all(type(el) is cst.Element and _is_literal(el.value, depth + 1) for el in node.elements)
    if t is cst.UnaryOperation:
        return _is_literal(node.expression, depth + 1)
    if t is cst.BinaryOperation:
        return _is_literal(node.left, depth + 1) and _is_literal(node.right, depth + 1)
    return False


def _is_layer(q: str) -> bool:
    if q.startswith("keras.layers."):
        return True
    return q in ("keras.Input", "keras.InputLayer")
