"""Where the arrays given to `fit` come from: their range, scaling, labels and class layout.

Everything here is read off the code; nothing is executed. Names are followed along the bindings that
reach each use (the semantic layer); the calls that make or transform arrays are dispatched from tables
by qualified name (`CONSTRUCTORS`; `_RANDOM` for numpy.random's functions, `_BY_NAME` for names that
several modules spell alike), one small handler each.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, TypeGuard

import libcst as cst

from learnability.analysis.names import dotted, last
from learnability.analysis.program import Program
from learnability.analysis.semantic import NOTHING, RawStmt, Stmt

DATASETS = {  # name -> (pixel max, number of classes)
    "mnist": (255.0, 10), "fashion_mnist": (255.0, 10), "cifar10": (255.0, 10), "cifar100": (255.0, 100),
}
DATASET_NDIM = {"mnist": 3, "fashion_mnist": 3, "cifar10": 4, "cifar100": 4}  # the images' dimensions as loaded
# tabular toy sets: name -> ((input low, input high), (target low, target high), number of classes or None).
# Keras' load_data() gives (x_train, y_train), (x_test, y_test); scikit-learn's load_*/fetch_* with
# return_X_y=True give (X, y). Ranges from the datasets' documentation (the largest column of the inputs).
TABULAR = {
    "boston_housing": ((0.0, 711.0), (5.0, 50.0), None),  # TAX up to 711; median value in k$
    "california_housing": ((-124.35, 35682.0), (14999.0, 500001.0), None),  # Keras 3: population; house value in $
    "load_diabetes": ((-0.2, 0.2), (25.0, 346.0), None),  # scikit-learn ships the inputs standardised
    "load_iris": ((0.1, 7.9), (0.0, 2.0), 3),
    "load_wine": ((0.13, 1680.0), (0.0, 2.0), 3),  # proline up to 1680
    "load_breast_cancer": ((0.0, 4254.0), (0.0, 1.0), 2),  # worst area up to 4254
    "load_digits": ((0.0, 16.0), (0.0, 9.0), 10),
    "fetch_california_housing": ((-124.35, 35682.0), (0.15, 5.0), None),  # target in 100k$
}
# readers of tabular files: the values are whatever the file holds (often unscaled columns)
FILE_READERS = frozenset("""pandas.read_csv pandas.read_excel pandas.read_table pandas.read_parquet numpy.loadtxt
    numpy.genfromtxt numpy.fromfile""".split())
_PASS_METHODS = frozenset("""astype reshape copy squeeze flatten ravel transpose T numpy to_numpy values cache prefetch batch
    shuffle repeat drop dropna fillna select_dtypes""".split())
_PASS_FUNCS = frozenset(
    """numpy.expand_dims numpy.reshape numpy.squeeze numpy.asarray numpy.array numpy.float32 numpy.stack
    numpy.transpose tensorflow.cast tensorflow.convert_to_tensor tensorflow.constant tensorflow.expand_dims
    tensorflow.reshape tensorflow.image.resize numpy.copy""".split()
)
_SCALING_FUNCS = frozenset(
    """scale minmax_scale robust_scale maxabs_scale quantile_transform power_transform per_image_standardization
    convert_image_dtype preprocess_input l2_normalize""".split()
)
_RNG_MAKERS = frozenset("default_rng RandomState Generator".split())
_SCALERS = frozenset("StandardScaler MinMaxScaler RobustScaler MaxAbsScaler Normalizer QuantileTransformer PowerTransformer".split())


@dataclass
class DataInfo:
    source: str = "unknown"  # random_uniform | random_normal | random_int | constant | dataset | image_directory | generator | literal | unknown
    low: float | None = None
    high: float | None = None
    constant: bool = False
    scaled: bool = False
    dataset: str | None = None
    n_classes: int | None = None
    one_hot: bool = False
    integer_labels: bool = False
    random_labels: bool = False
    ordered_blocks: bool = False
    multi_hot: bool = False  # several ones per row (multi-label targets)
    rescaled: bool = False  # divided by a constant, standardised or min-max scaled on the way (labels: not classes any more)
    centred: bool = False  # standardised (mean 0): about half the values are negative
    from_file: bool = False  # read from a tabular file: range unknown, often unscaled
    read_at: Stmt | None = None  # the statement that read the file
    ndim: int | None = None  # number of dimensions, where known (a data set's images, after a reshape)
    reshaped: bool = False  # reshaped / given an axis on the way (reshape, expand_dims, [..., None])
    n_samples: int | None = None
    shape: tuple[int, ...] | None = None
    origin: Stmt | None = None  # where the data was made
    origin_node: cst.CSTNode | None = None
    container: str | None = None  # "dataset" when the arrays were wrapped in a tf.data pipeline
    generator: tuple[cst.Call, Stmt] | None = None  # the ImageDataGenerator(...) call behind a flow
    notes: list[str] = field(default_factory=list)

    @property
    def max_abs(self) -> float | None:
        vals = [abs(v) for v in (self.low, self.high) if v is not None]
        return max(vals) if vals else None


def _shape(program: Program, args: list[cst.Arg], index: int) -> tuple[int, ...] | None:
    if not args:
        return None
    if len(args) == 1:
        v = program.const(args[0], index)
        if isinstance(v, int):
            return (v,)
        return v if isinstance(v, tuple) and all(isinstance(x, int) for x in v) else None
    vals = tuple(program.const(a, index) for a in args)
    return vals if all(isinstance(x, int) for x in vals) else None


def describe(program: Program, node: cst.BaseExpression | None, index: int, depth: int = 0) -> DataInfo:
    """What is known of the array `node` evaluated just before statement `index`.

    Several rules describe the same `fit` arguments: top-level answers are memoised per program
    (each caller gets its own copy)."""
    if depth or node is None:
        return _describe(program, node, index, depth)
    memo = program.__dict__.setdefault("_a2_describe", {})
    key = (id(node), index)
    info = memo.get(key)
    if info is None:
        info = memo[key] = _describe(program, node, index, 0)
    return _copy(info)


def _copy(info: DataInfo) -> DataInfo:
    """A copy of `info` with a list of notes of its own (as `replace(info, notes=list(info.notes))`,
    without re-running `__init__`: a hot path, every rule describes the same fit arguments)."""
    new = object.__new__(DataInfo)
    new.__dict__.update(info.__dict__)
    new.notes = list(info.notes)
    return new


def _describe(program: Program, node: cst.BaseExpression | None, index: int, depth: int = 0) -> DataInfo:
    if node is None or depth > 30:
        return DataInfo()
    if type(node) is cst.Name:
        entry = program.assignment(node.value, index)
        if entry is None:
            return DataInfo()
        stmt, path = entry
        if _mutated(program, node.value, stmt.index, index):
            write = _multi_hot_write(program, node.value, stmt.index, index)
            if write is not None:  # y = np.zeros((n, k)); for i ...: y[i, labels] = 1
                return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin=write,
                                origin_node=write.raw.node)
            return DataInfo(notes=["changed in place after it was made"])
        raw = stmt.raw
        if raw.aug_op is not None:  # X /= 255, X *= 100
            base = describe(program, node, stmt.index, depth + 1)
            return _arith(program, base, raw.aug_op, raw.value, stmt.index, left=True)
        value = raw.value
        for i, p in enumerate(path):
            if (type(value) is cst.Tuple or type(value) is cst.List) and p < len(value.elements):
                value = value.elements[p].value
            else:
                return _unpack(program, value, path[i:], stmt, depth)
        info = describe(program, value, stmt.index, depth + 1)
        if info.origin is None:
            info.origin = stmt
        return info
    if type(node) is cst.Subscript:
        return _subscript(program, node, index, depth)
    if type(node) is cst.Attribute:  # X.T, df.values
        return describe(program, node.value, index, depth + 1)
    if type(node) is cst.BinaryOperation:
        if _is_list_repeat(node):  # [1] * 100
            return _label_list(program, node, index)
        op = type(node.operator).__name__
        left = describe(program, node.left, index, depth + 1)
        right = describe(program, node.right, index, depth + 1)
        lconst = program.const(node.left, index)
        rconst = program.const(node.right, index)
        if isinstance(rconst, (int, float)) and left.source != "unknown" or lconst is NOTHING and isinstance(rconst, (int, float)):
            return _arith(program, left, op, node.right, index, left=True)
        if isinstance(lconst, (int, float)) and right.source != "unknown":
            return _arith(program, right, op, node.left, index, left=False)
        leftmost = node.left
        while type(leftmost) is cst.BinaryOperation and type(leftmost.operator) is cst.Add:
            leftmost = leftmost.left
        if op == "Add" and (type(leftmost) is cst.List or _is_list_repeat(leftmost)):
            return _label_list(program, node, index)
        # (X - X.mean()) / X.std() and other array-by-array arithmetic
        if op in ("Divide", "Subtract"):
            info = replace(left)
            if op == "Divide" and right.source == "unknown":
                info.scaled = True
                info.rescaled = True
                info.centred = _centred(node.left)
                info.low = info.high = None
            elif op == "Subtract":
                info.low = info.high = None
                info.scaled = info.scaled or _is_stat(node.right)
                info.constant = left.constant and right.constant
            return info
        # array (op) array: constant only when both sides are; bounds unknown unless both are known
        if left.source == "unknown":  # scale * np.random.rand(...): nothing known of the product
            return DataInfo(notes=["combined with an unknown array"])
        info = replace(left, constant=left.constant and right.constant)
        info.low, info.high = _interval(op, left, right, node.left.deep_equals(node.right))
        return info
    if type(node) is cst.List or type(node) is cst.Tuple:
        return _label_list(program, node, index)
    if type(node) is cst.ListComp:
        return _comprehension(program, node, index)
    if type(node) is cst.Call:
        return _call(program, node, index, depth)
    return DataInfo()


_MUTATING_FUNCS = frozenset("shuffle copyto put putmask place fill_diagonal".split())
_MUTATING_METHODS = frozenset("fill sort resize itemset put".split())
_SHUFFLING = frozenset("permutation permuted shuffle".split())


def _base_name(node: cst.BaseExpression) -> str | None:
    while type(node) is cst.Subscript or type(node) is cst.Attribute:
        node = node.value
    return node.value if type(node) is cst.Name else None


def _stmt_mutations(raw: RawStmt) -> tuple[str, ...]:
    """The names one statement changes in place (cached on the chunk's statement facts)."""
    cached: tuple[str, ...] | None = raw.__dict__.get("_a2_mutates")
    if cached is not None:
        return cached
    node = raw.node
    names: list[str | None] = []
    if type(node) is cst.Assign:
        names = [_base_name(t.target) for t in node.targets if (type(t.target) is cst.Subscript or type(t.target) is cst.Attribute)]
    elif (type(node) is cst.AugAssign or type(node) is cst.AnnAssign) and (type(node.target) is cst.Subscript or type(node.target) is cst.Attribute):
        names = [_base_name(node.target)]
    elif raw.kind == "expr" and type(raw.value) is cst.Call:
        call = raw.value
        func = call.func
        fname = func.attr.value if type(func) is cst.Attribute else func.value if type(func) is cst.Name else ""
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if fname in _MUTATING_FUNCS and positional and type(positional[0].value) is cst.Name:
            names.append(positional[0].value.value)
        if fname in _MUTATING_METHODS and type(func) is cst.Attribute:
            names.append(_base_name(func.value))
    found = tuple(n for n in names if n)
    raw.__dict__["_a2_mutates"] = found
    return found


def _mutations(program: Program) -> dict[str, list[int]]:
    """Statements that change an array in place: X[i] = ..., X[m] += 1, np.random.shuffle(X), X.fill(0).
    Built once per program from facts cached per statement."""
    cached: dict[str, list[int]] | None = program.__dict__.get("_a2_mutations")
    if cached is not None:
        return cached
    out: dict[str, list[int]] = {}
    # a walk over every statement, but what it gives is asked by name: the edit analysis follows in-place
    # changes by name (analysis/incremental.py), so this is not a read of the whole program
    for stmt in list.__iter__(program.stmts):
        for name in _stmt_mutations(stmt.raw):
            out.setdefault(name, []).append(stmt.index)
    program.__dict__["_a2_mutations"] = out
    return out


def _mutated(program: Program, name: str, start: int, end: int) -> bool:
    """Whether `name` is changed in place by a statement strictly between `start` and `end`."""
    at = _mutations(program).get(name)
    if not at:
        return False
    pos = bisect.bisect_right(at, start)  # `at` is ascending: statements are visited in order
    return pos < len(at) and at[pos] < end


# calls that give several indices (several ones per row when used as a row's column index)
_SEVERAL = frozenset("choice sample permutation where nonzero flatnonzero argwhere argsort".split())


def _row_column(target: cst.BaseExpression, name: str) -> tuple[cst.CSTNode, cst.CSTNode] | None:
    """The row and column index of `name[row, col]` or `name[row][col]`."""
    if type(target) is not cst.Subscript:
        return None
    if type(target.value) is cst.Name and target.value.value == name and len(target.slice) == 2:
        parts = [el.slice for el in target.slice]
    elif type(target.value) is cst.Subscript and type(target.value.value) is cst.Name and \
            target.value.value.value == name and len(target.slice) == 1 and len(target.value.slice) == 1:
        parts = [target.value.slice[0].slice, target.slice[0].slice]
    else:
        return None
    row, col = (p.value if type(p) is cst.Index else p for p in parts)
    return row, col


def _names_in(node: cst.CSTNode | None) -> set[str]:
    if node is None:
        return set()
    collector = _Names()
    node.visit(collector)
    return collector.names


def _several(program: Program, col: cst.CSTNode, index: int, depth: int = 0) -> bool:
    """A column index that picks several columns at once: a slice, a list of two or more, choice(k, 2),
    random.sample(..., 2), permutation(k)[:m], np.where(...)[0], or a name bound to one of them."""
    if type(col) is cst.Slice:
        return True
    if type(col) is cst.List or type(col) is cst.Tuple:
        return len(col.elements) >= 2
    if type(col) is cst.Subscript:  # rng.permutation(k)[:2], np.where(row)[0]
        inner = col.value
        return type(inner) is cst.Call and _several(program, inner, index, depth + 1)
    if type(col) is cst.Call:
        fname = last(program.qualname(col.func) or dotted(col.func) or "")
        if fname not in _SEVERAL:
            return False
        if fname in ("choice", "sample"):  # choice(k, 2), rng.choice(k, size=3), random.sample(range(k), 2)
            positional = [a for a in col.args if a.keyword is None]
            size = next((a for a in col.args if a.keyword is not None and a.keyword.value in ("size", "k")),
                        positional[1] if len(positional) > 1 else None)
            n = program.const(size, index) if size is not None else NOTHING
            return (isinstance(n, int) and not isinstance(n, bool) and n >= 2) or isinstance(n, tuple) or \
                (size is not None and n is NOTHING)
        return fname != "permutation"  # a whole permutation as a column index is every column: no
    if type(col) is cst.Name and depth < 5:
        value, vstmt = program.value_of(col.value, index)
        return value is not None and vstmt is not None and _several(program, value, vstmt.index, depth + 1)
    return False


def _per_row_loop(program: Program, col: cst.CSTNode, index: int) -> bool:
    """The column index walks a per-row collection: `for i, tags in enumerate(rows): for t in tags:
    y[i, vocab[t]] = 1`, `for j in labels[i]: y[i, j] = 1` (an inner loop over what the outer loop gives)."""
    loops = program.enclosing_loops(index)
    used = _names_in(col)
    for k, loop in enumerate(loops):
        if k == 0 or loop.target is None or not (_names_in(loop.target) & used):
            continue
        outer = set().union(*(_names_in(o.target) for o in loops[:k]))
        if _names_in(loop.iter) & outer:
            return True
    return False


def _multi_hot_write(program: Program, name: str, start: int, end: int) -> Stmt | None:
    """A statement between `start` and `end` that sets several ones in a row of the zeros array `name`
    (y[i, labels] = 1 in a loop over rows): the array is multi-hot. None when the writes set one per row."""
    made = program.stmts[start].raw.value
    if type(made) is not cst.Call or last(program.qualname(made.func) or "") != "zeros":
        return None
    for i in _mutations(program).get(name, ()):
        if not start < i < end:
            continue
        stmt = program.stmts[i]
        node = stmt.raw.node
        if type(node) is not cst.Assign or len(node.targets) != 1 or program.const(node.value, i) not in (1, 1.0, True):
            continue
        rc = _row_column(node.targets[0].target, name)
        if rc is not None and (_several(program, rc[1], i) or _per_row_loop(program, rc[1], i)):
            return stmt
    return None


def _rows_are_collections(program: Program, rows: cst.BaseExpression, index: int, depth: int = 0) -> bool:
    """A literal list of lists (or a name bound to one, or one repeated: [[...], [...]] * n)."""
    if type(rows) is cst.BinaryOperation and type(rows.operator) is cst.Multiply:
        rows = rows.left
    if (type(rows) is cst.List or type(rows) is cst.Tuple):
        elements = rows.elements
        return bool(elements) and all((type(e.value) is cst.List or type(e.value) is cst.Tuple or type(e.value) is cst.Set) for e in elements)
    if type(rows) is cst.Name and depth < 5:
        value, vstmt = program.value_of(rows.value, index)
        return value is not None and vstmt is not None and _rows_are_collections(program, value, vstmt.index, depth + 1)
    return False


def _comprehension(program: Program, node: cst.ListComp, index: int) -> DataInfo:
    """[[1 if c in tags else 0 for c in classes] for tags in rows], [np.isin(classes, tags) for tags in rows]: a
    membership test of each class in the row's own collection gives several ones per row (multi-hot). Nothing
    else is read from a comprehension."""
    inner = node.elt
    row_names = _names_in(node.for_in.target)
    while type(inner) is cst.Call and type(inner.func) is cst.Attribute and inner.func.attr.value == "astype":
        inner = inner.func.value
    if type(inner) is cst.Call and last(dotted(inner.func) or "") in ("isin", "in1d") and len(inner.args) >= 2 \
            and _names_in(inner.args[1].value) & row_names:  # [np.isin(classes, tags) for tags in rows]
        tags = inner.args[1].value  # several per row only when each row is a collection (not one label)
        split = type(tags) is cst.Call and type(tags.func) is cst.Attribute and tags.func.attr.value == "split"
        if split or _rows_are_collections(program, node.for_in.iter, index):
            return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin_node=node)
        return DataInfo()
    if type(inner) is not cst.ListComp:
        return DataInfo()
    membership: list[cst.Comparison] = []

    class _Tests(cst.CSTVisitor):
        def visit_Comparison(self, c: cst.Comparison) -> None:
            membership.append(c)

    inner.elt.visit(_Tests())
    for c in membership:
        for target in c.comparisons:
            if type(target.operator) is cst.In and _names_in(target.comparator) & row_names:
                return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin_node=node)
    return DataInfo()


def _reduced_comparison(program: Program, call: cst.Call, index: int) -> bool:
    """(y_raw[:, :, None] == classes).any(axis=1): a broadcast comparison of several labels per row against
    the classes, reduced over the labels axis, gives several ones per row."""
    func = call.func
    if type(func) is not cst.Attribute or func.attr.value not in ("any", "max", "sum"):
        return False
    receiver = func.value
    if type(receiver) is not cst.Comparison or len(receiver.comparisons) != 1 or \
            type(receiver.comparisons[0].operator) is not cst.Equal:
        return False
    left = receiver.left
    if type(left) is not cst.Subscript or len(left.slice) < 3:
        return False
    if not any(type(el.slice) is cst.Index and type(el.slice.value) is cst.Name and el.slice.value.value == "None"
               or type(el.slice) is cst.Index and last(dotted(el.slice.value) or "") == "newaxis" for el in left.slice):
        return False
    axis = next((a for a in call.args if a.keyword is not None and a.keyword.value == "axis"),
                call.args[0] if call.args and call.args[0].keyword is None else None)
    return axis is not None and program.const(axis, index) in (1, -2)


def _is_shuffling_index(program: Program, node: cst.BaseExpression, index: int) -> bool:
    """An index that reorders: np.random.permutation(n), idx (= a permutation, or shuffled in place)."""
    if type(node) is cst.Call:
        return last(program.qualname(node.func) or dotted(node.func) or "") in _SHUFFLING
    if type(node) is cst.Name:
        found = program.resolve_call(node, index)
        if found is not None and last(program.qualname(found[0].func) or "") in _SHUFFLING:
            return True
        return False
    return False


def _subscript(program: Program, node: cst.Subscript, index: int, depth: int) -> DataInfo:
    """X[:100] keeps the order; X[idx] (fancy indexing) may reorder; X[perm] does."""
    inner = describe(program, node.value, index, depth + 1)
    info = replace(inner, notes=list(inner.notes), n_samples=None, shape=None)
    slices = [el.slice for el in node.slice]
    first = slices[0] if slices else None
    added = sum(1 for s in slices if type(s) is cst.Index and _is_new_axis(s.value))
    keeps = all(type(s) is cst.Slice or type(s) is cst.Index and (_is_new_axis(s.value) or type(s.value) is cst.Ellipsis)
                for s in slices) or (len(slices) == 1 and type(first) is cst.Index and (type(first.value) is cst.Name or type(first.value) is cst.Call))
    info.ndim = inner.ndim + added if keeps and inner.ndim is not None else None  # x[:100], x[..., None], x[idx]
    info.reshaped = inner.reshaped or added > 0
    if type(first) is cst.Index:
        if _is_shuffling_index(program, first.value, index):
            info.ordered_blocks = False
            info.notes.append("shuffled")
        elif type(first.value) not in (cst.Integer, cst.UnaryOperation):
            info.ordered_blocks = False  # fancy indexing: the order is not known any more
    return info


def _is_new_axis(node: cst.BaseExpression) -> bool:
    """None or np.newaxis / tf.newaxis in an index."""
    return type(node) is cst.Name and node.value == "None" or last(dotted(node) or "") == "newaxis"


def _reshaped(program: Program, inner: DataInfo, shape_args: list[cst.Arg], index: int) -> DataInfo:
    """x.reshape(-1, 784), np.reshape(x, (n, 28, 28, 1)): the dimensions the new shape names."""
    ndim = None
    if len(shape_args) == 1:
        v = program.const(shape_args[0], index)
        node = shape_args[0].value
        if isinstance(v, tuple):
            ndim = len(v)
        elif isinstance(v, int) and not isinstance(v, bool):
            ndim = 1
        elif (type(node) is cst.Tuple or type(node) is cst.List):
            ndim = len(node.elements) if not any(type(e) is cst.StarredElement for e in node.elements) else None
    elif shape_args and not any(a.star for a in shape_args):
        ndim = len(shape_args)
    return replace(inner, ndim=ndim, reshaped=True, shape=None)


def _is_rng(program: Program, node: cst.BaseExpression, index: int) -> bool:
    """np.random.default_rng(0), np.random.RandomState(1), or a name bound to one."""
    call = node if type(node) is cst.Call else None
    if type(node) is cst.Name:
        found = program.resolve_call(node, index)
        call = found[0] if found else None
    if call is None:
        return False
    q = program.qualname(call.func) or ""
    return q.startswith("numpy.random.") and last(q) in _RNG_MAKERS


def _is_stat(node: cst.BaseExpression) -> bool:
    if type(node) is cst.Call and type(node.func) is cst.Attribute:
        return node.func.attr.value in ("mean", "min", "median")
    if type(node) is cst.Call and type(node.func) is cst.Attribute:
        return True
    return type(node) is cst.Name and node.value.lower() in ("mean", "mu", "x_mean", "mean_")


def _centred(node: cst.BaseExpression) -> bool:
    """(y - y.mean()) or (y - mu): the numerator of a standardisation."""
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Subtract) and \
        _is_stat(node.right) and not (isinstance(node.right, cst.Call) and isinstance(node.right.func, cst.Attribute)
                                      and node.right.func.attr.value == "min")


def _is_list_repeat(node: cst.BaseExpression) -> TypeGuard[cst.BinaryOperation]:
    return type(node) is cst.BinaryOperation and type(node.operator) is cst.Multiply and type(node.left) is cst.List


def _label_list(program: Program, node: cst.BaseExpression, index: int) -> DataInfo:
    """[0]*n + [1]*n, or a literal list of ints."""
    parts: list[cst.BaseExpression] = []

    def collect(n: cst.BaseExpression) -> None:
        if type(n) is cst.BinaryOperation and type(n.operator) is cst.Add:
            collect(n.left)
            collect(n.right)
        else:
            parts.append(n)

    collect(node)
    values: list[Any] = []
    counts: list[int | None] = []
    for p in parts:
        if _is_list_repeat(p):
            lst = p.left
            n = program.const(p.right, index)
            v = program.const(lst, index)
            if not isinstance(v, tuple) or len(v) != 1:
                return DataInfo()
            values.append(v[0])
            counts.append(n if isinstance(n, int) else None)  # [0] * len(cats): a block of unknown size
        else:
            v = program.const(p, index)
            if not isinstance(v, tuple):
                return DataInfo()
            values.extend(v)
            counts.extend([1] * len(v))
    known = [c for c in counts if c is not None]
    info = DataInfo(source="literal", n_samples=sum(known) if len(known) == len(counts) else None)
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        info.low, info.high = float(min(values)), float(max(values))
        distinct = sorted(set(values))
        info.constant = len(distinct) == 1
        if all(float(v).is_integer() for v in values):
            info.integer_labels = True
            info.n_classes = len(distinct)
        info.ordered_blocks = len(distinct) > 1 and len(parts) == len(distinct) and all(c is None or c > 1 for c in counts)
    return info


def _interval(op: str, left: DataInfo, right: DataInfo, same: bool) -> tuple[float | None, float | None]:
    """Bounds of array (op) array from the bounds of both sides (interval arithmetic); `same` when both sides
    are one expression, so x * x is a square (never negative) and not any product of two values in x's range."""
    if left.low is None or left.high is None or right.low is None or right.high is None:
        return None, None
    if op == "Add":
        return left.low + right.low, left.high + right.high
    if op == "Multiply":
        if same:
            squares = (left.low * left.low, left.high * left.high)
            return (0.0 if left.low <= 0 <= left.high else min(squares)), max(squares)
        products = [a * b for a in (left.low, left.high) for b in (right.low, right.high)]
        return min(products), max(products)
    return None, None  # x ** y, x % y, x // y: not followed


def _arith(program: Program, base: DataInfo, op: str, other: cst.BaseExpression | None, index: int, left: bool) -> DataInfo:
    info = _copy(base)
    c = program.const(other, index)
    if not isinstance(c, (int, float)) or isinstance(c, bool):
        if op == "Divide" and left:
            info.scaled = True
            info.rescaled = True
            info.low = info.high = None
        else:  # X += noise, X * mask: no longer constant unless the other side is; bounds unknown
            other_info = describe(program, other, index, 25)
            info.constant = base.constant and other_info.constant
            if op != "Divide":
                info.low = info.high = None
        return info
    lo, hi = info.low, info.high
    if op == "Multiply":
        if lo is not None and hi is not None:
            a, b = lo * c, hi * c
            info.low, info.high = min(a, b), max(a, b)
        if abs(c) > 1:
            info.scaled = False
        info.notes.append(f"multiplied by {c:g}")
    elif op == "Divide" and left and c != 0:
        if lo is not None and hi is not None:
            info.low, info.high = lo / c, hi / c
        if abs(c) >= 1 and (hi is None or abs(hi / c) <= 1.5):
            info.scaled = True
        if abs(c) > 1 and not float(c).is_integer() or abs(c) >= 10:
            info.rescaled = True  # y / 255, y / 9.5 (not y // 2 or y / 2 as a regrouping)
    elif op in ("Add", "Subtract") and lo is not None and hi is not None:
        s = c if op == "Add" or not left else -c
        if left:
            info.low, info.high = lo + s, hi + s
        else:  # 10 - x
            info.low, info.high = (c + lo, c + hi) if op == "Add" else (c - hi, c - lo)
    elif op == "Power" and left and lo is not None and hi is not None and isinstance(c, (int, float)):
        try:
            ends = [lo ** c, hi ** c] + ([0.0] if lo < 0 < hi and c > 0 else [])
        except (OverflowError, ZeroDivisionError):
            ends = []
        if ends and all(isinstance(e, (int, float)) and not isinstance(e, complex) for e in ends):
            info.low, info.high = float(min(ends)), float(max(ends))
        else:
            info.low = info.high = None
        info.notes.append(f"raised to the power {c:g}")
    elif op == "Power":
        info.low = info.high = None
    info.constant = base.constant
    return info


def _unpack(program: Program, value: cst.BaseExpression | None, path: tuple[int, ...], stmt: Stmt, depth: int) -> DataInfo:
    """(x_train, y_train), (x_test, y_test) = mnist.load_data(); X_tr, X_te, y_tr, y_te = train_test_split(X, y)."""
    if type(value) is not cst.Call:
        return DataInfo()
    q = program.qualname(value.func) or ""
    name = last(q)
    if name == "make_multilabel_classification" and path and path[0] == 1:
        return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin=stmt, origin_node=value)
    table = None
    if name == "load_data" and "." in q and last(q.rsplit(".", 1)[0]) in TABULAR:
        table = TABULAR[last(q.rsplit(".", 1)[0])]
        is_label = len(path) == 2 and path[-1] == 1
    elif name in TABULAR and len(path) == 1 and q.startswith("sklearn"):  # X, y = load_iris(return_X_y=True)
        table = TABULAR[name]
        is_label = path[0] == 1
    if table is not None:
        (xlo, xhi), (ylo, yhi), n = table
        ds = name if name in TABULAR else last(q.rsplit(".", 1)[0])
        if is_label:
            return DataInfo(source="dataset", dataset=ds, low=ylo, high=yhi, n_classes=n, integer_labels=n is not None,
                            origin=stmt, origin_node=value)
        return DataInfo(source="dataset", dataset=ds, low=xlo, high=xhi, scaled=xhi <= 1.5, origin=stmt, origin_node=value,
                        ndim=2)
    if name == "load_data":
        ds = last(q.rsplit(".", 1)[0]) if "." in q else ""
        if ds in DATASETS and len(path) >= 1:
            pix, n = DATASETS[ds]
            is_label = path[-1] == 1 if len(path) == 2 else False
            if is_label:
                return DataInfo(source="dataset", dataset=ds, n_classes=n, integer_labels=True, low=0, high=n - 1,
                                origin=stmt, origin_node=value)
            return DataInfo(source="dataset", dataset=ds, low=0.0, high=pix, origin=stmt, origin_node=value,
                            ndim=DATASET_NDIM.get(ds))
    if name == "train_test_split" and len(path) == 1:
        args = [a for a in value.args if a.keyword is None]
        k = path[0] // 2
        if k < len(args):
            inner = describe(program, args[k].value, stmt.index, depth + 1)
            kw = {a.keyword.value: a for a in value.args if a.keyword is not None}
            keeps_order = "shuffle" in kw and program.const(kw["shuffle"], stmt.index) is False
            return replace(inner, n_samples=None, shape=None, origin=stmt,
                           ordered_blocks=inner.ordered_blocks and keeps_order)
    if name in ("shuffle", "resample") and len(path) == 1 and ("sklearn" in q or q in ("shuffle", "resample")):
        args = [a for a in value.args if a.keyword is None and not a.star]
        if path[0] < len(args):
            inner = describe(program, args[path[0]].value, stmt.index, depth + 1)
            return replace(inner, ordered_blocks=False, origin=stmt)
    return DataInfo()


_INT_DTYPE = re.compile(r"u?int(8|16|32|64)?|long")


def _integer_dtype(program: Program, node: cst.BaseExpression, index: int) -> bool:
    """An integer dtype: "int32", int, np.int64, tf.int32, "uint8"."""
    value = program.const(node, index)
    if isinstance(value, str):
        return bool(_INT_DTYPE.fullmatch(value))
    name = node.value if isinstance(node, cst.Name) else last(program.qualname(node) or dotted(node) or "")
    return bool(name) and bool(_INT_DTYPE.fullmatch(name))


def _truncated(info: DataInfo) -> DataInfo:
    """Values cast to an integer dtype: (ages / 10).astype(int) bins ages into class indices again, unless every
    value was a fraction that truncates to 0 (y / 255 of class labels), which stays 'rescaled'."""
    info = replace(info, notes=list(info.notes))
    if info.low is not None and info.high is not None:
        info.low, info.high = float(math.trunc(info.low)), float(math.trunc(info.high))
        collapsed = info.low == info.high == 0.0
    else:
        collapsed = False  # unknown range: binning and collapse cannot be told apart, so claim neither
    if info.rescaled and not collapsed:
        info.rescaled = False
        info.integer_labels = True
    return info


def _call(program: Program, node: cst.Call, index: int, depth: int) -> DataInfo:
    func = node.func
    args = [a for a in node.args if a.keyword is None and not a.star]
    kwargs = {a.keyword.value: a for a in node.args if a.keyword is not None}
    q = program.qualname(func) or ""
    if type(func) is cst.Attribute and _is_rng(program, func.value, index):
        q = "numpy.random." + func.attr.value  # rng = np.random.default_rng(0); rng.integers(...)
    elif type(func) is cst.Attribute and not q.startswith(("numpy", "tensorflow", "keras", "sklearn", "pandas")):
        method = func.attr.value
        if _reduced_comparison(program, node, index):
            return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin_node=node)
        if method == "astype" and args and _integer_dtype(program, args[0].value, index):
            return _truncated(describe(program, func.value, index, depth + 1))
        if method == "reshape":
            return _reshaped(program, describe(program, func.value, index, depth + 1),
                             [a for a in node.args if a.keyword is None], index)
        if method in _PASS_METHODS:
            return describe(program, func.value, index, depth + 1)
        if method in ("fit_transform", "transform"):
            target = func.value
            found = program.resolve_call(target, index) if type(target) is cst.Name else None
            ctor = found[0] if found else (target if type(target) is cst.Call else None)
            if ctor is not None and last(program.qualname(ctor.func)) in _SCALERS and args:
                inner = describe(program, args[0].value, index, depth + 1)
                centred = last(program.qualname(ctor.func)) in ("StandardScaler", "RobustScaler")
                return replace(inner, scaled=True, rescaled=True, low=None, high=None, integer_labels=False,
                               centred=centred)
            if ctor is not None and last(program.qualname(ctor.func)) == "MultiLabelBinarizer":
                return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin_node=node)
        if method in ("flow", "flow_from_directory", "flow_from_dataframe"):
            found = program.resolve_call(func.value, index) if type(func.value) is cst.Name else None
            ctor = found[0] if found else (func.value if type(func.value) is cst.Call else None)
            if ctor is None or last(program.qualname(ctor.func)) != "ImageDataGenerator":
                return DataInfo()  # some other generator: nothing known
            ckw = {a.keyword.value: a for a in ctor.args if a.keyword is not None}
            scaling = {"rescale", "preprocessing_function", "featurewise_std_normalization", "samplewise_std_normalization"}
            scaled = any(k in ckw and program.const(ckw[k], index) not in (None, False, 1, 1.0) for k in scaling)
            gen = found if found else None
            if method == "flow" and args:
                inner = describe(program, args[0].value, index, depth + 1)
                if scaled:
                    inner = replace(inner, scaled=True, low=None, high=None)
                return replace(inner, source="generator" if inner.source == "unknown" else inner.source,
                               container="generator", generator=gen)
            return DataInfo(source="generator", low=0.0 if not scaled else None, high=255.0 if not scaled else None,
                            scaled=scaled, origin_node=node, container="generator", generator=gen)
        if method == "map":
            inner = describe(program, func.value, index, depth + 1)
            return replace(inner, scaled=True, low=None, high=None)  # ds.map(lambda x, y: (x / 255, y)): assume scaled
        if method in _SHUFFLING and args:  # rng.permutation(X)
            inner = describe(program, args[0].value, index, depth + 1)
            return replace(inner, ordered_blocks=False)
        return DataInfo()
    name = last(q)
    handler = CONSTRUCTORS.get(q) or _BY_NAME.get(name)
    if handler is None and q.startswith(("numpy.random.", "random.")):
        handler = _RANDOM.get(name)
    if handler is None and name in _SCALING_FUNCS and (q.startswith(("sklearn", "tensorflow", "keras")) or "preprocess" in q):
        handler = _scaling
    if handler is None:
        return DataInfo()
    return handler(_Call(program, node, q, name, args, kwargs, index, depth))


# --------------------------------------------------------------------------- data constructors
@dataclass
class _Call:
    """A call that makes or transforms an array, as a constructor handler sees it."""

    program: Program
    node: cst.Call
    q: str  # qualified name
    name: str  # its last part
    args: list[cst.Arg]  # positional
    kwargs: dict[str, cst.Arg]
    index: int
    depth: int

    def const(self, pos: int | None, *names: str) -> Any:
        arg = next((self.kwargs[n] for n in names if n in self.kwargs), None)
        if arg is None and pos is not None and pos < len(self.args):
            arg = self.args[pos]
        return self.program.const(arg, self.index) if arg is not None else NOTHING

    def inner(self, pos: int = 0) -> DataInfo:
        """What is known of the positional argument `pos` (an array the call transforms)."""
        if pos >= len(self.args):
            return DataInfo()
        return describe(self.program, self.args[pos].value, self.index, self.depth + 1)

    def shape(self, node: cst.Arg | None) -> tuple[int, ...] | None:
        return _shape(self.program, [node], self.index) if node is not None else None

    def size(self, pos: int) -> tuple[int, ...] | None:
        """The `size` argument of numpy.random's functions (position `pos`, or size=)."""
        size = self.args[pos] if len(self.args) > pos else self.kwargs.get("size")
        return self.shape(size)


def _tensor_slices(c: _Call) -> DataInfo:
    """tf.data.Dataset.from_tensor_slices((X, y)): the inputs are the first element."""
    if not c.args:
        return DataInfo()
    data = c.args[0].value
    if (type(data) is cst.Tuple or type(data) is cst.List) and data.elements:
        data = data.elements[0].value
    inner = describe(c.program, data, c.index, c.depth + 1)
    return replace(inner, container="dataset", n_samples=inner.n_samples if c.name == "from_tensor_slices" else None)


def _permutation(c: _Call) -> DataInfo:
    if not c.args:
        return DataInfo()
    n = c.const(0)
    if isinstance(n, int):
        return DataInfo(source="literal", integer_labels=True, low=0.0, high=float(n - 1), n_samples=n, origin_node=c.node)
    return replace(c.inner(0), ordered_blocks=False)


def _scaling(c: _Call) -> DataInfo:
    return replace(c.inner(0), scaled=True, rescaled=True, low=None, high=None, integer_labels=False,
                   centred=c.name in ("scale", "robust_scale", "per_image_standardization"))


def _arange(c: _Call) -> DataInfo:
    """np.arange(stop) / (start, stop[, step]), range(...): evenly spaced values with a known range."""
    vals = [c.const(i) for i in range(min(len(c.args), 3))]
    if not vals or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
        return DataInfo(source="literal", origin_node=c.node)
    start, stop, step = (0, vals[0], 1) if len(vals) == 1 else (vals[0], vals[1], vals[2] if len(vals) == 3 else 1)
    if step == 0:
        return DataInfo(source="literal", origin_node=c.node)
    n = max(0, math.ceil((stop - start) / step))
    if n == 0:
        return DataInfo(source="literal", origin_node=c.node, n_samples=0)
    last_value = start + (n - 1) * step
    integer = all(isinstance(v, int) for v in (start, step))
    return DataInfo(source="literal", low=float(min(start, last_value)), high=float(max(start, last_value)),
                    n_samples=n, integer_labels=integer and n > 1, origin_node=c.node)


def _linspace(c: _Call) -> DataInfo:
    start, stop, num = c.const(0, "start"), c.const(1, "stop"), c.const(2, "num")
    num = num if isinstance(num, int) else 50
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, stop)):
        return DataInfo(source="literal", origin_node=c.node, n_samples=num)
    return DataInfo(source="literal", low=float(min(start, stop)), high=float(max(start, stop)), n_samples=num,
                    origin_node=c.node)


def _bounded(c: _Call) -> DataInfo:
    """np.sin / cos / tanh / abs / exp / sqrt of an array: the range the function maps onto."""
    inner = c.inner(0)
    if inner.source == "unknown":
        return DataInfo()
    low, high = _FUNCTION_RANGES[c.name]
    if c.name in ("abs", "absolute", "exp", "sqrt", "square") and inner.low is not None and inner.high is not None:
        funcs: dict[str, Callable[[float], float]] = {
            "abs": abs, "absolute": abs, "exp": math.exp, "sqrt": lambda v: math.sqrt(max(v, 0.0)),
            "square": lambda v: v * v}
        f = funcs[c.name]
        try:
            ends = [f(inner.low), f(inner.high)] + ([f(0.0)] if inner.low < 0 < inner.high else [])
            low, high = min(ends), max(ends)
        except OverflowError:
            pass
    return replace(inner, low=low, high=high, integer_labels=False, one_hot=False, origin_node=c.node,
                   scaled=high is not None and low is not None and max(abs(low), abs(high)) <= 1.5)


_FUNCTION_RANGES: dict[str, tuple[float | None, float | None]] = {
    "sin": (-1.0, 1.0), "cos": (-1.0, 1.0), "tanh": (-1.0, 1.0), "abs": (0.0, None), "absolute": (0.0, None),
    "exp": (0.0, None), "sqrt": (0.0, None), "square": (0.0, None),
}


def _clip(c: _Call) -> DataInfo:
    """np.clip(x, lo, hi): the range cut to [lo, hi]."""
    inner = c.inner(0)
    lo, hi = c.const(1, "a_min"), c.const(2, "a_max")
    info = replace(inner, origin_node=c.node, notes=list(inner.notes))
    if isinstance(lo, (int, float)) and not isinstance(lo, bool):
        info.low = max(lo, inner.low) if inner.low is not None else float(lo)
    if isinstance(hi, (int, float)) and not isinstance(hi, bool):
        info.high = min(hi, inner.high) if inner.high is not None else float(hi)
    if info.source == "unknown" and info.low is not None and info.high is not None:
        info.source = "literal"
    return info


def _file(c: _Call) -> DataInfo:
    """pd.read_csv / np.loadtxt / np.genfromtxt: a tabular file; its range is not known here."""
    at = c.program.stmts[c.index] if 0 <= c.index < len(c.program.stmts) else None
    return DataInfo(source="file", from_file=True, origin_node=c.node, notes=["read from a file"], read_at=at)


def _multilabel(c: _Call) -> DataInfo:
    return DataInfo(source="literal", multi_hot=True, low=0.0, high=1.0, origin_node=c.node)


def _uniform01(c: _Call) -> DataInfo:
    """rand(n, d), random(size), random_sample(...), sample(...): uniform in [0, 1)."""
    shape = _shape(c.program, c.args, c.index) or c.shape(c.kwargs.get("size"))
    return DataInfo(source="random_uniform", low=0.0, high=1.0, shape=shape, n_samples=shape[0] if shape else None,
                    origin_node=c.node)


def _standard_normal(c: _Call) -> DataInfo:
    shape = _shape(c.program, c.args, c.index)
    return DataInfo(source="random_normal", scaled=True, shape=shape, n_samples=shape[0] if shape else None,
                    origin_node=c.node)


def _normal(c: _Call) -> DataInfo:
    loc, scale = c.const(0, "loc"), c.const(1, "scale")
    loc = loc if isinstance(loc, (int, float)) else 0.0
    scale = scale if isinstance(scale, (int, float)) else 1.0
    shape = c.size(2)
    return DataInfo(source="random_normal", low=loc - 4 * scale, high=loc + 4 * scale, scaled=abs(loc) < 2 and scale <= 2,
                    shape=shape, n_samples=shape[0] if shape else None, origin_node=c.node)


def _uniform(c: _Call) -> DataInfo:
    lo, hi = c.const(0, "low"), c.const(1, "high")
    lo = float(lo) if isinstance(lo, (int, float)) else 0.0
    hi = float(hi) if isinstance(hi, (int, float)) else 1.0
    shape = c.size(2)
    return DataInfo(source="random_uniform", low=lo, high=hi, shape=shape, n_samples=shape[0] if shape else None,
                    origin_node=c.node)


def _random_ints(c: _Call) -> DataInfo:
    """randint / integers / choice: random class codes."""
    lo, hi = c.const(0, "low"), c.const(1, "high")
    if c.name == "choice":
        lo, hi = 0, lo
    elif hi is NOTHING or hi is None:
        lo, hi = 0, lo
    shape = c.size(2)
    info = DataInfo(source="random_int", integer_labels=True, random_labels=True, shape=shape,
                    n_samples=shape[0] if shape else None, origin_node=c.node)
    if isinstance(lo, int) and isinstance(hi, int):
        info.low, info.high = float(lo), float(hi - 1)
        info.n_classes = hi - lo
    return info


def _filled(c: _Call) -> DataInfo:
    """np.ones / zeros / full (and _like), tf.ones / zeros / fill: constant arrays."""
    name = c.name
    value = {"ones": 1.0, "zeros": 0.0, "ones_like": 1.0, "zeros_like": 0.0}.get(name)
    if name in ("full", "fill", "full_like"):
        v = c.const(1, "fill_value")
        value = float(v) if isinstance(v, (int, float)) else None
    shape = _shape(c.program, c.args[:1], c.index) if name not in ("ones_like", "zeros_like", "full_like") else None
    info = DataInfo(source="constant", constant=True, shape=shape, n_samples=shape[0] if shape else None, origin_node=c.node)
    if value is not None:
        info.low = info.high = value
        info.integer_labels = float(value).is_integer()
    return info


def _joined(c: _Call) -> DataInfo:
    """np.concatenate / hstack / vstack / append / r_, tf.concat: the parts' facts merged."""
    parts_node = c.args[0].value if c.args else None
    parts = [el.value for el in parts_node.elements] if (type(parts_node) is cst.List or type(parts_node) is cst.Tuple) else []
    if c.q == "numpy.append" and len(c.args) >= 2:
        parts = [c.args[0].value, c.args[1].value]
    infos = [describe(c.program, p, c.index, c.depth + 1) for p in parts]
    if not infos or any(i.source == "unknown" for i in infos):
        return DataInfo()
    merged = replace(infos[0], origin_node=c.node, notes=[])
    values = [(i.low, i.high) for i in infos]
    lows = [v[0] for v in values if v[0] is not None]
    highs = [v[1] for v in values if v[1] is not None]
    merged.low = min(lows) if len(lows) == len(infos) else None
    merged.high = max(highs) if len(highs) == len(infos) else None
    merged.constant = all(i.constant for i in infos) and len({v for v in values}) == 1
    merged.scaled = all(i.scaled for i in infos)
    merged.random_labels = all(i.random_labels for i in infos)
    ns = [i.n_samples for i in infos]
    known = [n for n in ns if n is not None]
    merged.n_samples = sum(known) if len(known) == len(ns) else None
    if all(i.constant for i in infos) and len({v for v in values}) > 1:
        merged.ordered_blocks = True
        merged.n_classes = len({v for v in values})
        merged.integer_labels = all(i.integer_labels for i in infos)
    return merged


def _repeat(c: _Call) -> DataInfo:
    """np.repeat([0, 1, 2], n) and np.repeat(np.arange(k), n): labels in ordered blocks."""
    if not c.args:
        return DataInfo()
    program, first = c.program, c.args[0].value
    reps = program.const(c.args[1], c.index) if len(c.args) > 1 else NOTHING
    if type(first) is cst.List or type(first) is cst.Tuple:
        values = program.const(first, c.index)
        if isinstance(values, tuple) and len(values) > 1 and all(isinstance(v, int) for v in values):
            info = DataInfo(source="literal", integer_labels=True, ordered_blocks=True, origin_node=c.node,
                            low=float(min(values)), high=float(max(values)), n_classes=len(set(values)))
            if isinstance(reps, int):
                info.n_samples = reps * len(values)
            return info
    if type(first) is cst.Call and last(program.qualname(first.func)) == "arange":
        # np.arange(k) or np.arange(start, stop[, step]): the values (and their count) are arange's
        values = describe(program, first, c.index, c.depth + 1)
        info = DataInfo(source="literal", integer_labels=True, ordered_blocks=True, origin_node=c.node)
        if values.integer_labels and values.n_samples:
            info.n_classes, info.low, info.high = values.n_samples, values.low, values.high
            if isinstance(reps, int):
                info.n_samples = values.n_samples * reps
        return info
    return DataInfo()


def _to_categorical(c: _Call) -> DataInfo:
    info = replace(c.inner(0), one_hot=True, integer_labels=False, low=0.0, high=1.0, origin_node=c.node)
    n = c.const(1, "num_classes")
    if isinstance(n, int):
        info.n_classes = n
    return info


def _image_directory(c: _Call) -> DataInfo:
    return DataInfo(source="image_directory", low=0.0, high=255.0, origin_node=c.node)


def _normalize(c: _Call) -> DataInfo:
    if not ("keras" in c.q or "sklearn" in c.q or c.q == "normalize"):
        return DataInfo()
    return _scaling(c)


def _passes(c: _Call) -> DataInfo:
    """np.asarray, np.expand_dims, tf.cast, ...: the values pass through unchanged."""
    if not c.args:
        return DataInfo()
    inner = c.inner(0)
    if c.name == "reshape":  # np.reshape(x, shape), tf.reshape(x, shape)
        shape = c.args[1:2] or [c.kwargs[k] for k in ("newshape", "shape") if k in c.kwargs][:1]
        return _reshaped(c.program, inner, shape, c.index) if shape else replace(inner, ndim=None, reshaped=True)
    if c.name == "expand_dims":
        return replace(inner, ndim=inner.ndim + 1 if inner.ndim is not None else None, reshaped=True)
    if c.name == "array" and inner.source == "unknown" and (type(c.args[0].value) is cst.List or type(c.args[0].value) is cst.BinaryOperation):
        return _label_list(c.program, c.args[0].value, c.index)
    return inner


_RANDOM: dict[str, Callable[[_Call], DataInfo]] = {  # numpy.random.* / random.* by last name
    "rand": _uniform01, "random": _uniform01, "random_sample": _uniform01, "sample": _uniform01,
    "randn": _standard_normal, "standard_normal": _standard_normal, "normal": _normal, "uniform": _uniform,
    "randint": _random_ints, "integers": _random_ints, "choice": _random_ints, "permutation": _permutation,
}
_BY_NAME: dict[str, Callable[[_Call], DataInfo]] = {  # by last name, whatever module (tf.data's and Keras' spellings vary)
    "from_tensor_slices": _tensor_slices, "from_tensors": _tensor_slices, "to_categorical": _to_categorical,
    "image_dataset_from_directory": _image_directory, "dataset_from_directory": _image_directory,
    "normalize": _normalize,
}
# by qualified name: the table rules and tests read to see which constructors are known
CONSTRUCTORS: dict[str, Callable[[_Call], DataInfo]] = {
    **{f"numpy.{n}": _filled for n in ("ones", "zeros", "full", "ones_like", "zeros_like", "full_like")},
    **{f"tensorflow.{n}": _filled for n in ("ones", "zeros", "fill")},
    **{q: _joined for q in ("numpy.concatenate", "numpy.hstack", "numpy.vstack", "numpy.append", "numpy.r_",
                            "tensorflow.concat")},
    "numpy.repeat": _repeat,
    **{q: _passes for q in _PASS_FUNCS},
    "numpy.arange": _arange, "range": _arange, "tensorflow.range": _arange,
    "numpy.linspace": _linspace, "tensorflow.linspace": _linspace,
    **{q: _file for q in FILE_READERS},
    **{f"numpy.{n}": _bounded for n in _FUNCTION_RANGES},
    "list": _passes, "tuple": _passes, "numpy.clip": _clip, "tensorflow.clip_by_value": _clip,
}


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def names_behind(program: Program, node: cst.BaseExpression | None, index: int, limit: int = 40) -> set[str]:
    """The array variables an expression is computed from, followed back through their assignments
    and in-place changes (X[y == 1] += 2), up to `limit` statements. Constants (n = 100), modules and
    random generators are left out: sharing them does not tie two arrays together."""
    seen: set[tuple[str, int]] = set()  # (name, the binding that reaches): X = X / 255 follows the earlier X
    found: set[str] = set()
    todo: list[tuple[cst.CSTNode, int]] = [(node, index)] if node is not None else []
    visited = 0
    mutations = _mutations(program)
    while todo and visited < limit:
        expr, at = todo.pop()
        visited += 1
        collector = _Names()
        expr.visit(collector)
        for name in collector.names:
            entry = program.assignment(name, at)
            if entry is None:
                continue
            stmt = entry[0]
            if (name, stmt.index) in seen:
                continue
            seen.add((name, stmt.index))
            ref = cst.Name(name)
            if program.const(ref, at) is not NOTHING or _is_rng(program, ref, at):
                continue
            found.add(name)
            if stmt.raw.value is not None:
                todo.append((stmt.raw.value, stmt.index))
            for i in mutations.get(name, ()):
                if i < at:
                    todo.append((program.stmts[i].raw.node, i))
    return found
