"""What the activation / loss / metrics / layers rules share: the output layer, the labels, the loss
family, and small edit builders (a keyword added to a call, a layer spelled the way the file spells it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TypeGuard

import libcst as cst

from learnability.analysis.chunks import PlacedChunk
from learnability.analysis.data import DataInfo, describe
from learnability.analysis.names import module_name, normalize
from learnability.analysis.program import (
    ACTIVATION_LAYERS,
    CONV_LAYERS,
    FitInfo,
    LayerInfo,
    LossInfo,
    ModelInfo,
    Program,
)
from learnability.analysis.semantic import NOTHING, Stmt, exclusive
from learnability.findings import Finding, TextEdit
from learnability.lines import split_lines
from learnability.rules._helpers import layer_prefix
from learnability.rules.base import Context, Rule

CROSSENTROPY = frozenset({"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"})
CATEGORICAL = frozenset({"categorical_crossentropy", "sparse_categorical_crossentropy"})
REGRESSION = frozenset({"mse", "mae", "msle", "huber", "logcosh", "mape"})
PROBABILITY = frozenset({"softmax", "sigmoid"})
# the sources whose labels describe() knows to be class codes, one per sample
LABEL_SOURCES = frozenset({"dataset", "random_int", "literal"})


@dataclass
class Output:
    layer: LayerInfo  # the last Dense/Conv layer
    units: int | None
    units_arg: cst.Arg | None
    activation: str  # effective: its own, or a following Activation layer's
    act_layer: LayerInfo  # the layer that sets the activation
    act_arg: cst.Arg | None
    pre_activation: str | None = None  # the layer's own activation when a later Activation layer follows it


def units_arg(layer: LayerInfo) -> cst.Arg | None:
    if layer.kind == "Dense":
        return layer.arg(0, "units", "output_dim")
    if layer.kind in CONV_LAYERS and layer.kind != "DepthwiseConv2D":
        return layer.arg(0, "filters", "nb_filter")
    return None


def units_of(program: Program, layer: LayerInfo) -> int | None:
    arg = units_arg(layer)
    v = program.const(arg, layer.call.index) if arg is not None else NOTHING
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def output_of(program: Program, model: ModelInfo) -> Output | None:
    """The model's output layer, when it is a Dense/Conv layer and nothing unknown follows it (memoised
    per program: six rules ask about every model; callers must not change the answer)."""
    model = model.obj  # the layers are the model's, whatever compile a view stands for
    memo: dict[int, tuple[ModelInfo, Output | None]] = program.__dict__.setdefault("_output_memo", {})
    hit = memo.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    out = _output_of(program, model)
    memo[id(model)] = (model, out)
    return out


def _output_of(program: Program, model: ModelInfo) -> Output | None:
    layer = model.output_layer
    if layer is None or not (layer.kind == "Dense" or layer.kind in CONV_LAYERS):
        return None
    if any(p > layer.position for p in model.opaque):
        return None
    own = program.effective_activation(model, layer.position)[0]
    act, act_layer, act_arg = final_activation(program, model, layer.position)
    if act_layer is not layer and _softmax_axis_changed(program, act_layer):
        act = "unknown"
    pre = own if act_layer is not layer and own not in ("linear", "unknown") and \
        program.layer_activation(layer)[0] == own else None
    return Output(layer, units_of(program, layer), units_arg(layer), act, act_layer, act_arg, pre)


_PASS_THROUGH = frozenset({"Dropout", "BatchNormalization", "LayerNormalization", "Flatten", "Reshape",
                           "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"})


def final_activation(program: Program, model: ModelInfo, position: int) -> tuple[str, LayerInfo, cst.Arg | None]:
    """The last activation applied to layer `position`'s output before the next computing layer:
    Dense(10, activation="relu"), Activation("softmax") -> softmax."""
    act, act_layer, act_arg = program.effective_activation(model, position)
    for later in model.layers[position + 1:]:
        if later.position in model.opaque:
            break
        if later.kind == "Activation" or later.kind in ACTIVATION_LAYERS:
            a, a_arg = program.layer_activation(later)
            if a != "linear":
                act, act_layer, act_arg = a, later, a_arg
        elif later.kind not in _PASS_THROUGH:
            break
    return act, act_layer, act_arg


def _softmax_axis_changed(program: Program, layer: LayerInfo) -> bool:
    if layer.kind != "Softmax":
        return False
    axis = layer.arg(0, "axis")
    return axis is not None and program.const(axis, layer.call.index) != -1


def loss_of(model: ModelInfo) -> LossInfo | None:
    return model.compile.loss if model.compile is not None else None


SEEN = object()  # yielded by a body of `each_loss_and_output`: put this output's key in `seen`


def each_loss_and_output(ctx: Context, rule: Rule,
                         body: Callable[[ModelInfo, LossInfo, Output], Iterable[object]]) -> Iterator[Finding]:
    """`losses_and_outputs` as per-model work (`Context.each_model`): `body(model, loss, out)` yields the
    findings of one (model, loss, output), and `SEEN` where the loop of `losses_and_outputs` would put the
    output's key in `seen`; what is skipped for a key seen before is decided here, in order."""
    program = ctx.program

    def work(model: ModelInfo) -> list[tuple[int, int, list[object]]]:
        loss = loss_of(model)
        out = output_of(program, model)
        if loss is None or out is None:
            return []
        return [(output_key(out), id(loss.node), list(body(model, loss, out)))]

    seen: set[int] = set()
    reported: set[tuple[int, int]] = set()
    for key, loss_id, items in ctx.each_model(rule, program.trainings(), work):
        if key in seen and (key, loss_id) in reported:
            continue
        for item in items:
            if item is SEEN:
                seen.add(key)
            elif isinstance(item, Finding):  # (a body yields findings and SEEN)
                yield item
        if key in seen:
            reported.add((key, loss_id))


def losses_and_outputs(program: Program, seen: set[int]) -> Iterator[tuple[ModelInfo, LossInfo, Output]]:
    """(model, loss, output) for each compile of each model with a loss and a known output layer (the
    model as trained under that compile: `labels_of` gives the labels of the fits that use it), skipping
    an output layer whose key (`output_key`) the caller has put in `seen` after a yield with the same
    loss (two models sharing one layer call, or one builder called twice, are reported once); checked
    lazily, so a key added after one yield hides the next one's."""
    reported: set[tuple[int, int]] = set()
    for model in program.trainings():
        loss = loss_of(model)
        out = output_of(program, model)
        if loss is None or out is None:
            continue
        key = output_key(out)
        if key in seen and (key, id(loss.node)) in reported:
            continue
        yield model, loss, out
        if key in seen:
            reported.add((key, id(loss.node)))


def output_key(out: Output) -> int:
    """The key of the output layer's call in the `seen` set of `losses_and_outputs`."""
    return id(out.layer.call.node)


def labels_of(program: Program, model: ModelInfo) -> DataInfo | None:
    """What is known of the labels given to the model's first fit that has them; for a view made by
    `Program.trainings` (one compile), the first fit that compile is in force for (memoised per program:
    several rules ask)."""
    memo: dict[int, DataInfo | None] = program.__dict__.setdefault("_labels_memo", {})
    key = id(model)
    if key not in memo:
        memo[key] = None
        for fit in model.fits:
            if fit.y is not None:
                memo[key] = fit_labels(program, fit)
                break
    return memo[key]


def fit_labels(program: Program, fit: FitInfo) -> DataInfo:
    """What is known of the labels given to one fit / evaluate call (memoised per program)."""
    memo: dict[int, tuple[FitInfo, DataInfo]] = program.__dict__.setdefault("_fit_labels_memo", {})
    hit = memo.get(id(fit))
    if hit is not None and hit[0] is fit:
        return hit[1]
    info = describe(program, fit.y, fit.call.index)
    if (info.n_classes is not None or info.high is not None) and _masked(program, fit.y, fit.call.index):
        # y[y < 2], y % 2: a subset or a regrouping of the classes; count and range unknown
        info = replace(info, n_classes=None, low=None, high=None)
    memo[id(fit)] = (fit, info)
    return info


def labels_suit(info: DataInfo | None, loss: str) -> bool | None:
    """Whether labels are valid for a loss: True / False when known, None when it cannot be told."""
    if info is None:
        return None
    if loss == "sparse_categorical_crossentropy":
        return False if one_hot_labels(info) else True if integer_class_labels(info) else None
    if loss == "categorical_crossentropy":
        return True if one_hot_labels(info) else False if integer_class_labels(info) else None
    if loss == "binary_crossentropy":
        if integer_class_labels(info) and info.low is not None and info.high is not None:
            return 0 <= info.low and info.high <= 1
        return None
    return None


def loss_change_is_safe(program: Program, loss: LossInfo, target: str) -> bool:
    """Whether writing `target` where `loss` is written keeps every use valid: each fit and evaluate of
    every compile whose loss is written there (a builder called twice, a loop, both branches) gets labels
    known to suit `target`. A fix that could make other code fail is not safe."""
    for model in program.trainings():
        c = model.compile
        if c is None or c.loss is None or c.loss.node is not loss.node:
            continue
        for fit in (*c.fits, *c.uses):
            if fit.y is None:
                continue
            if any(labels_suit(info, target) is not True for info in label_alternatives(program, fit)):
                return False
    return True


def units_literal(program: Program, layer: LayerInfo) -> tuple[cst.CSTNode, PlacedChunk] | None:
    """Where a layer's unit count is written: its argument, or, when that is a parameter of a builder
    analysed for one call (`build(units=4)`), the literal of that call."""
    arg = units_arg(layer)
    if arg is None:
        return None
    node, index = arg.value, layer.call.index
    if type(node) is cst.Name:
        value, stmt = program.value_of(node.value, index)
        if type(value) is cst.Integer and stmt is not None and type(stmt.raw.node) is cst.Arg:
            return value, stmt.placed
    return node, layer.call.placed


def units_change_is_safe(program: Program, layer: LayerInfo, n: int) -> bool:
    """Whether writing `n` where `layer`'s unit count is written (`units_literal`) keeps every use valid:
    every model whose output units are written there is fitted only on labels known to have `n` classes."""
    target = units_literal(program, layer)
    for model in program.trainings():
        out = output_of(program, model)
        if out is None or target is None or (units_literal(program, out.layer) or (None,))[0] is not target[0]:
            continue
        for fit in (*model.fits, *model.uses):
            if fit.y is None:
                continue
            if any(class_count(info) != n for info in label_alternatives(program, fit)):
                return False
    return True


def label_alternatives(program: Program, fit: FitInfo) -> list[DataInfo]:
    """The labels a fit may get: one description, or one per binding that reaches it after branches."""
    if type(fit.y) is cst.Name and len(program.reaching(fit.y.value, fit.call.index)) > 1:
        return [describe(program, value, stmt.index) if value is not None else DataInfo()
                for value, stmt in program.values_of(fit.y.value, fit.call.index)]
    return [fit_labels(program, fit)]


def labels_reach_compile(program: Program, model: ModelInfo, fit: FitInfo) -> bool:
    """False when the labels a fit reads were last bound on an arm of a branch that excludes the arm of the
    compile in force (`if one_hot: y = to_categorical(y); compile(categorical) else: compile(sparse)`):
    no run pairs that compile with those labels."""
    c = model.compile
    if c is None or type(fit.y) is not cst.Name or not (0 <= c.index < len(program.stmts)):
        return True
    reaching = program.reaching(fit.y.value, fit.call.index)
    if not reaching:
        return True
    return not exclusive(program.stmts[c.index].branch, reaching[0][0].branch)


def path_note(program: Program, model: ModelInfo, fit: FitInfo | None = None) -> str:
    """" (on one branch: ...)" when the finding holds on one path only: the compile a view stands for does
    not run on every path to the fit it is paired with, or the labels that fit reads were bound on one
    branch (`y = to_categorical(y)` under an `if`); "" otherwise."""
    c = model.compile
    fits = [fit] if fit is not None else model.fits
    for f in fits:
        if c is not None:
            note = program.conditional(c.index, f.call.index)
            if note:
                return f" ({note})"
        if type(f.y) is cst.Name:
            reaching = program.reaching(f.y.value, f.call.index)
            if len(reaching) > 1:
                note = program.conditional(reaching[0][0].index, f.call.index)
                if note:
                    return f" ({note})"
    return ""
    for fit in model.fits:
        note = program.conditional(c.index, fit.call.index)
        if note:
            return f" ({note})"
    return ""


_MASK_OPS = (cst.Comparison, cst.BooleanOperation)


def _is_mask(program: Program, node: cst.BaseExpression, index: int, depth: int = 0) -> bool:
    """(y == 0) | (y == 1), y < 5, ~m, np.isin(y, ...), or a name bound to one."""
    if depth > 5:
        return False
    if isinstance(node, _MASK_OPS):
        return True
    if type(node) is cst.BinaryOperation and (type(node.operator) is cst.BitOr or type(node.operator) is cst.BitAnd or type(node.operator) is cst.BitXor):
        return _is_mask(program, node.left, index, depth + 1) or _is_mask(program, node.right, index, depth + 1)
    if type(node) is cst.UnaryOperation and (type(node.operator) is cst.BitInvert or type(node.operator) is cst.Not):
        return _is_mask(program, node.expression, index, depth + 1)
    if type(node) is cst.Call:
        name = (program.qualname(node.func) or "").rsplit(".", 1)[-1]
        return name in ("isin", "in1d", "logical_and", "logical_or", "logical_not", "where")
    if type(node) is cst.Name:
        value, stmt = program.value_of(node.value, index)
        return value is not None and stmt is not None and _is_mask(program, value, stmt.index, depth + 1)
    return False


def _masked(program: Program, node: cst.BaseExpression | None, index: int, depth: int = 0,
            subset_only: bool = False) -> bool:
    """Whether the labels pass through a boolean-mask subscript or are regrouped by arithmetic (y % 2) on
    their way to fit (following names). `subset_only`: only a boolean-mask subset counts (a regression
    target's arithmetic is followed by describe())."""
    if node is None or depth > 12:
        return False
    if type(node) is cst.Subscript:
        for el in node.slice:
            if type(el.slice) is cst.Index and _is_mask(program, el.slice.value, index):
                return True
        return _masked(program, node.value, index, depth + 1, subset_only)
    if isinstance(node, cst.BinaryOperation):
        if not subset_only and isinstance(node.operator, (cst.Modulo, cst.FloorDivide, cst.Multiply, cst.Divide,
                                                          cst.Power, cst.BitAnd, cst.BitOr, cst.RightShift,
                                                          cst.LeftShift)):
            return True  # y % 2, y // 5: the classes are regrouped
        return _masked(program, node.left, index, depth + 1, subset_only) or \
            _masked(program, node.right, index, depth + 1, subset_only)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return _masked(program, node.func.value, index, depth + 1, subset_only)  # y[m].astype(int)
    if isinstance(node, cst.Call):
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if (program.qualname(node.func) or "").endswith("to_categorical") and \
                (len(positional) > 1 or any(a.keyword is not None and a.keyword.value == "num_classes" for a in node.args)):
            return False  # to_categorical(y, 10): the width is given, whatever y holds
        return bool(positional) and _masked(program, positional[0].value, index, depth + 1, subset_only)
    if isinstance(node, cst.Name):
        entry = program.assignment(node.value, index)
        if entry is None:
            return False
        stmt, path = entry
        value = stmt.raw.value
        for p in path:
            if (type(value) is cst.Tuple or type(value) is cst.List) and p < len(value.elements):
                value = value.elements[p].value
            else:
                return False
        if stmt.raw.aug_op is not None:
            return False
        return _masked(program, value, stmt.index, depth + 1, subset_only)
    return False


def integer_class_labels(info: DataInfo | None) -> TypeGuard[DataInfo]:
    """Integer class indices, one per sample (mnist labels, randint, [0]*n + [1]*n)."""
    if info is None or info.one_hot or not info.integer_labels or info.constant:
        return False
    if info.source not in LABEL_SOURCES:
        return False
    return info.shape is None or len(info.shape) == 1 or (len(info.shape) == 2 and info.shape[1] == 1)


def one_hot_labels(info: DataInfo | None) -> TypeGuard[DataInfo]:
    return info is not None and info.one_hot


def class_labels(info: DataInfo | None) -> TypeGuard[DataInfo]:
    return integer_class_labels(info) or one_hot_labels(info)


def class_count(info: DataInfo | None) -> int | None:
    """How many classes the labels need: for integer labels, max + 1 (a label k needs unit k)."""
    if info is None:
        return None
    if info.one_hot:
        return info.n_classes
    if integer_class_labels(info):
        if info.high is not None and info.low is not None and info.low >= 0:
            return max(int(info.high) + 1, info.n_classes or 0)
        return info.n_classes
    return None


def quote_of(*nodes: cst.CSTNode | None) -> str:
    """The quote character of the first string literal among `nodes` and their arguments."""
    for node in nodes:
        if type(node) is cst.SimpleString:
            return node.quote[-1] if node.quote in ('"', "'") else '"'
        if type(node) is cst.Call:
            for a in node.args:
                if type(a.value) is cst.SimpleString and a.value.quote in ('"', "'"):
                    return a.value.quote
    return '"'


def model_quote(model: ModelInfo, *extra: cst.CSTNode | None) -> str:
    """The quote style the model's code uses (activation strings, loss strings)."""
    nodes: list[cst.CSTNode | None] = list(extra)
    if model.compile is not None:
        nodes.append(model.compile.call.node)
    nodes.extend(layer.call.node for layer in model.layers)
    for node in nodes:
        if type(node) is cst.SimpleString or (type(node) is cst.Call and any(
                type(a.value) is cst.SimpleString for a in node.args)):
            return quote_of(node)
    return '"'


def add_keyword(ctx: Context, layer_or_call: LayerInfo, text: str) -> TextEdit | None:
    """Insert `text` (e.g. `activation="softmax"`) as the call's last argument; None when the call passes
    `*args` / `**kwargs` (they may already hold the keyword)."""
    call = layer_or_call.call
    args = call.node.args
    if any(a.star for a in args):
        return None
    if args:
        return ctx.insert_after(call.placed, args[-1].value, f", {text}")
    return ctx.replace(call.placed, call.node, f"{call.code(call.node.func)}({text})")


def spell_layer(program: Program, name: str, like: cst.Call | None = None
                ) -> tuple[str, tuple[cst.ImportFrom, Stmt] | None] | None:
    """How to write layer `name` the way this file writes layers (as `like`, a layer call, is written):
    (text, None); or (name, (import statement, stmt)) when `name` must be added to a
    `from keras.layers import A, B` line; None when it cannot be told."""
    for local, qual in program.aliases.items():
        if normalize(qual) == f"keras.layers.{name}":
            return local, None
    if like is not None and type(like.func) is cst.Attribute:
        q = program.qualname(like.func) or ""
        if q.startswith("keras.layers."):
            return f"{cst.Module(body=[]).code_for_node(like.func.value)}.{name}", None
    if any(s.startswith("keras.layers") for s in program.star_imports):
        return name, None
    if like is None or type(like.func) is not cst.Name:
        prefix = layer_prefix(program)
        if prefix is not None:
            return prefix + name, None
    for stmt in program.stmts:
        node = stmt.raw.node
        if stmt.kind == "import" and type(node) is cst.ImportFrom and type(node.names) is not cst.ImportStar:
            mod = normalize(module_name(node.module))
            if mod in ("keras.layers", "keras.layers.core") and node.names:
                return name, (node, stmt)
    prefix = layer_prefix(program)
    return (prefix + name, None) if prefix is not None else None


def spelled_layer_edits(ctx: Context, name: str, like: cst.Call | None = None) -> tuple[str, tuple[TextEdit, ...]] | None:
    """(the text that names layer `name`, edits needed to import it)."""
    spelled = spell_layer(ctx.program, name, like)
    if spelled is None:
        return None
    text, imp = spelled
    if imp is None:
        return text, ()
    node, stmt = imp
    names = node.names
    if isinstance(names, cst.ImportStar):  # (spell_layer answers a list of names, never a star import)
        return None
    last_alias = names[-1]
    end = last_alias.asname.name if last_alias.asname is not None else last_alias.name
    return text, (ctx.insert_after(stmt.placed, end, f", {name}"),)


def line_indent(program: Program, line: int, column: int) -> str | None:
    """The text before `column` on `line` when it is only whitespace (the node starts its line)."""
    lines = split_lines(program.source)
    if not 1 <= line <= len(lines):
        return None
    before = lines[line - 1][:column]
    return before if before.strip() == "" else None
