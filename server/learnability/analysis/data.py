"""Where the arrays given to `fit` come from: their range, scaling, labels and class layout.

Everything here is read off the code; nothing is executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from learnability.analysis.names import dotted, last
from learnability.analysis.program import NOTHING, Program, Stmt

DATASETS = {  # name -> (pixel max, number of classes)
    "mnist": (255.0, 10), "fashion_mnist": (255.0, 10), "cifar10": (255.0, 10), "cifar100": (255.0, 100),
}
_PASS_METHODS = frozenset("astype reshape copy squeeze flatten ravel transpose T numpy to_numpy values cache prefetch batch shuffle repeat".split())
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
    n_samples: int | None = None
    shape: tuple | None = None
    origin: Stmt | None = None  # where the data was made
    origin_node: cst.CSTNode | None = None
    container: str | None = None  # "dataset" when the arrays were wrapped in a tf.data pipeline
    generator: tuple[cst.Call, Stmt] | None = None  # the ImageDataGenerator(...) call behind a flow
    notes: list[str] = field(default_factory=list)

    @property
    def max_abs(self) -> float | None:
        vals = [abs(v) for v in (self.low, self.high) if v is not None]
        return max(vals) if vals else None


def _shape(program: Program, args: list[cst.Arg], index: int) -> tuple | None:
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
    return replace(info, notes=list(info.notes))


def _describe(program: Program, node: cst.BaseExpression | None, index: int, depth: int = 0) -> DataInfo:
    if node is None or depth > 30:
        return DataInfo()
    if isinstance(node, cst.Name):
        entry = program.assignment(node.value, index)
        if entry is None:
            return DataInfo()
        stmt, path = entry
        if _mutated(program, node.value, stmt.index, index):
            return DataInfo(notes=["changed in place after it was made"])
        raw = stmt.raw
        if raw.aug_op is not None:  # X /= 255, X *= 100
            base = describe(program, node, stmt.index, depth + 1)
            return _arith(program, base, raw.aug_op, raw.value, stmt.index, left=True)
        value = raw.value
        for i, p in enumerate(path):
            if isinstance(value, (cst.Tuple, cst.List)) and p < len(value.elements):
                value = value.elements[p].value
            else:
                return _unpack(program, value, path[i:], stmt, depth)
        info = describe(program, value, stmt.index, depth + 1)
        if info.origin is None:
            info.origin = stmt
        return info
    if isinstance(node, cst.Subscript):
        return _subscript(program, node, index, depth)
    if isinstance(node, cst.Attribute):  # X.T, df.values
        return describe(program, node.value, index, depth + 1)
    if isinstance(node, cst.BinaryOperation):
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
        while isinstance(leftmost, cst.BinaryOperation) and isinstance(leftmost.operator, cst.Add):
            leftmost = leftmost.left
        if op == "Add" and (isinstance(leftmost, cst.List) or _is_list_repeat(leftmost)):
            return _label_list(program, node, index)
        # (X - X.mean()) / X.std() and other array-by-array arithmetic
        if op in ("Divide", "Subtract"):
            info = replace(left)
            if op == "Divide" and right.source == "unknown":
                info.scaled = True
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
        if right.low is None or right.high is None:
            info.low = info.high = None
        return info
    if isinstance(node, (cst.List, cst.Tuple)):
        return _label_list(program, node, index)
    if isinstance(node, cst.Call):
        return _call(program, node, index, depth)
    return DataInfo()


_MUTATING_FUNCS = frozenset("shuffle copyto put putmask place fill_diagonal".split())
_MUTATING_METHODS = frozenset("fill sort resize itemset put".split())
_SHUFFLING = frozenset("permutation permuted shuffle".split())


def _base_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _stmt_mutations(raw) -> tuple[str, ...]:
    """The names one statement changes in place (cached on the chunk's statement facts)."""
    cached = raw.__dict__.get("_a2_mutates")
    if cached is not None:
        return cached
    node = raw.node
    names: list[str | None] = []
    if isinstance(node, cst.Assign):
        names = [_base_name(t.target) for t in node.targets if isinstance(t.target, (cst.Subscript, cst.Attribute))]
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign)) and isinstance(node.target, (cst.Subscript, cst.Attribute)):
        names = [_base_name(node.target)]
    elif raw.kind == "expr" and isinstance(raw.value, cst.Call):
        call = raw.value
        func = call.func
        fname = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if fname in _MUTATING_FUNCS and positional and isinstance(positional[0].value, cst.Name):
            names.append(positional[0].value.value)
        if fname in _MUTATING_METHODS and isinstance(func, cst.Attribute):
            names.append(_base_name(func.value))
    cached = tuple(n for n in names if n)
    raw.__dict__["_a2_mutates"] = cached
    return cached


def _mutations(program: Program) -> dict[str, list[int]]:
    """Statements that change an array in place: X[i] = ..., X[m] += 1, np.random.shuffle(X), X.fill(0).
    Built once per program from facts cached per statement."""
    cached = program.__dict__.get("_a2_mutations")
    if cached is not None:
        return cached
    out: dict[str, list[int]] = {}
    for stmt in program.stmts:
        for name in _stmt_mutations(stmt.raw):
            out.setdefault(name, []).append(stmt.index)
    program.__dict__["_a2_mutations"] = out
    return out


def _mutated(program: Program, name: str, start: int, end: int) -> bool:
    return any(start < i < end for i in _mutations(program).get(name, ()))


def _is_shuffling_index(program: Program, node: cst.BaseExpression, index: int) -> bool:
    """An index that reorders: np.random.permutation(n), idx (= a permutation, or shuffled in place)."""
    if isinstance(node, cst.Call):
        return last(program.qualname(node.func) or dotted(node.func) or "") in _SHUFFLING
    if isinstance(node, cst.Name):
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
    if isinstance(first, cst.Index):
        if _is_shuffling_index(program, first.value, index):
            info.ordered_blocks = False
            info.notes.append("shuffled")
        elif not isinstance(first.value, (cst.Integer, cst.UnaryOperation)):
            info.ordered_blocks = False  # fancy indexing: the order is not known any more
    return info


def _is_rng(program: Program, node: cst.BaseExpression, index: int) -> bool:
    """np.random.default_rng(0), np.random.RandomState(1), or a name bound to one."""
    call = node if isinstance(node, cst.Call) else None
    if isinstance(node, cst.Name):
        found = program.resolve_call(node, index)
        call = found[0] if found else None
    if call is None:
        return False
    q = program.qualname(call.func) or ""
    return q.startswith("numpy.random.") and last(q) in _RNG_MAKERS


def _is_stat(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.attr.value in ("mean", "min", "median")
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return True
    return isinstance(node, cst.Name) and node.value.lower() in ("mean", "mu", "x_mean", "mean_")


def _is_list_repeat(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Multiply) and isinstance(node.left, cst.List)


def _label_list(program: Program, node: cst.BaseExpression, index: int) -> DataInfo:
    """[0]*n + [1]*n, or a literal list of ints."""
    parts: list[cst.BaseExpression] = []

    def collect(n: cst.BaseExpression) -> None:
        if isinstance(n, cst.BinaryOperation) and isinstance(n.operator, cst.Add):
            collect(n.left)
            collect(n.right)
        else:
            parts.append(n)

    collect(node)
    values: list[Any] = []
    counts: list[int | None] = []
    for p in parts:
        if _is_list_repeat(p):
            lst = p.left  # type: ignore[attr-defined]
            n = program.const(p.right, index)  # type: ignore[attr-defined]
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


def _arith(program: Program, base: DataInfo, op: str, other: cst.BaseExpression, index: int, left: bool) -> DataInfo:
    info = replace(base, notes=list(base.notes))
    c = program.const(other, index)
    if not isinstance(c, (int, float)) or isinstance(c, bool):
        if op == "Divide" and left:
            info.scaled = True
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
    elif op in ("Add", "Subtract") and lo is not None and hi is not None:
        s = c if op == "Add" or not left else -c
        if left:
            info.low, info.high = lo + s, hi + s
    info.constant = base.constant
    return info


def _unpack(program: Program, value: cst.BaseExpression | None, path: tuple[int, ...], stmt: Stmt, depth: int) -> DataInfo:
    """(x_train, y_train), (x_test, y_test) = mnist.load_data(); X_tr, X_te, y_tr, y_te = train_test_split(X, y)."""
    if not isinstance(value, cst.Call):
        return DataInfo()
    q = program.qualname(value.func) or ""
    name = last(q)
    if name == "load_data":
        ds = last(q.rsplit(".", 1)[0]) if "." in q else ""
        if ds in DATASETS and len(path) >= 1:
            pix, n = DATASETS[ds]
            is_label = path[-1] == 1 if len(path) == 2 else False
            if is_label:
                return DataInfo(source="dataset", dataset=ds, n_classes=n, integer_labels=True, low=0, high=n - 1,
                                origin=stmt, origin_node=value)
            return DataInfo(source="dataset", dataset=ds, low=0.0, high=pix, origin=stmt, origin_node=value)
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


def _call(program: Program, node: cst.Call, index: int, depth: int) -> DataInfo:
    func = node.func
    args = [a for a in node.args if a.keyword is None and not a.star]
    kwargs = {a.keyword.value: a for a in node.args if a.keyword is not None}
    q = program.qualname(func) or ""
    if isinstance(func, cst.Attribute) and _is_rng(program, func.value, index):
        q = "numpy.random." + func.attr.value  # rng = np.random.default_rng(0); rng.integers(...)
    elif isinstance(func, cst.Attribute) and not q.startswith(("numpy", "tensorflow", "keras", "sklearn")):
        method = func.attr.value
        if method in _PASS_METHODS:
            return describe(program, func.value, index, depth + 1)
        if method in ("fit_transform", "transform"):
            target = func.value
            found = program.resolve_call(target, index) if isinstance(target, cst.Name) else None
            ctor = found[0] if found else (target if isinstance(target, cst.Call) else None)
            if ctor is not None and last(program.qualname(ctor.func)) in _SCALERS and args:
                inner = describe(program, args[0].value, index, depth + 1)
                return replace(inner, scaled=True, low=None, high=None)
        if method in ("flow", "flow_from_directory", "flow_from_dataframe"):
            found = program.resolve_call(func.value, index) if isinstance(func.value, cst.Name) else None
            ctor = found[0] if found else (func.value if isinstance(func.value, cst.Call) else None)
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
    if name in ("from_tensor_slices", "from_tensors") and args:
        # tf.data.Dataset.from_tensor_slices((X, y)): the inputs are the first element
        data = args[0].value
        if isinstance(data, (cst.Tuple, cst.List)) and data.elements:
            data = data.elements[0].value
        inner = describe(program, data, index, depth + 1)
        return replace(inner, container="dataset", n_samples=inner.n_samples if name == "from_tensor_slices" else None)
    if name == "permutation" and q.startswith("numpy.random") and args:
        arg = args[0].value
        n = program.const(arg, index)
        if isinstance(n, int):
            return DataInfo(source="literal", integer_labels=True, low=0.0, high=float(n - 1), n_samples=n, origin_node=node)
        inner = describe(program, arg, index, depth + 1)
        return replace(inner, ordered_blocks=False)
    if name in _SCALING_FUNCS and (q.startswith(("sklearn", "tensorflow", "keras")) or "preprocess" in q):
        inner = describe(program, args[0].value, index, depth + 1) if args else DataInfo()
        return replace(inner, scaled=True, low=None, high=None)
    shape = None
    if q.startswith("numpy.random.") or q.startswith("random."):
        shape = _shape(program, args, index)
        if name in ("rand", "random", "random_sample", "sample"):
            size = kwargs.get("size")
            shape = shape or (_shape(program, [size], index) if size else None)
            return DataInfo(source="random_uniform", low=0.0, high=1.0, shape=shape, n_samples=shape[0] if shape else None, origin_node=node)
        if name in ("randn", "standard_normal"):
            return DataInfo(source="random_normal", scaled=True, shape=shape, n_samples=shape[0] if shape else None, origin_node=node)
        if name == "normal":
            loc = program.const(args[0] if args else kwargs.get("loc"), index)
            scale = program.const(args[1] if len(args) > 1 else kwargs.get("scale"), index)
            loc = loc if isinstance(loc, (int, float)) else 0.0
            scale = scale if isinstance(scale, (int, float)) else 1.0
            size = args[2] if len(args) > 2 else kwargs.get("size")
            shape = _shape(program, [size], index) if size is not None else None
            return DataInfo(source="random_normal", low=loc - 4 * scale, high=loc + 4 * scale, scaled=abs(loc) < 2 and scale <= 2,
                            shape=shape, n_samples=shape[0] if shape else None, origin_node=node)
        if name == "uniform":
            lo = program.const(args[0] if args else kwargs.get("low"), index)
            hi = program.const(args[1] if len(args) > 1 else kwargs.get("high"), index)
            lo = float(lo) if isinstance(lo, (int, float)) else 0.0
            hi = float(hi) if isinstance(hi, (int, float)) else 1.0
            size = args[2] if len(args) > 2 else kwargs.get("size")
            shape = _shape(program, [size], index) if size is not None else None
            return DataInfo(source="random_uniform", low=lo, high=hi, shape=shape, n_samples=shape[0] if shape else None, origin_node=node)
        if name in ("randint", "integers", "choice"):
            lo = program.const(args[0] if args else kwargs.get("low"), index)
            hi = program.const(args[1] if len(args) > 1 else kwargs.get("high"), index)
            if name == "choice":
                lo, hi = 0, lo
            elif hi is NOTHING or hi is None:
                lo, hi = 0, lo
            size = args[2] if len(args) > 2 else kwargs.get("size")
            shape = _shape(program, [size], index) if size is not None else None
            info = DataInfo(source="random_int", integer_labels=True, random_labels=True, shape=shape,
                            n_samples=shape[0] if shape else None, origin_node=node)
            if isinstance(lo, int) and isinstance(hi, int):
                info.low, info.high = float(lo), float(hi - 1)
                info.n_classes = hi - lo
            return info
    if q in ("numpy.ones", "numpy.zeros", "numpy.full", "numpy.ones_like", "numpy.zeros_like",
             "tensorflow.ones", "tensorflow.zeros", "tensorflow.fill", "numpy.full_like"):
        value = {"ones": 1.0, "zeros": 0.0, "ones_like": 1.0, "zeros_like": 0.0}.get(name)
        if name in ("full", "fill", "full_like"):
            v = program.const(args[1] if len(args) > 1 else kwargs.get("fill_value"), index)
            value = float(v) if isinstance(v, (int, float)) else None
        shape = _shape(program, args[:1], index) if name not in ("ones_like", "zeros_like", "full_like") else None
        info = DataInfo(source="constant", constant=True, shape=shape, n_samples=shape[0] if shape else None, origin_node=node)
        if value is not None:
            info.low = info.high = value
            info.integer_labels = float(value).is_integer()
        return info
    if q in ("numpy.concatenate", "numpy.hstack", "numpy.vstack", "numpy.append", "numpy.r_", "tensorflow.concat"):
        parts_node = args[0].value if args else None
        parts = [el.value for el in parts_node.elements] if isinstance(parts_node, (cst.List, cst.Tuple)) else []
        if q == "numpy.append" and len(args) >= 2:
            parts = [args[0].value, args[1].value]
        infos = [describe(program, p, index, depth + 1) for p in parts]
        if not infos or any(i.source == "unknown" for i in infos):
            return DataInfo()
        merged = replace(infos[0], origin_node=node, notes=[])
        values = [(i.low, i.high) for i in infos]
        lows = [v[0] for v in values if v[0] is not None]
        highs = [v[1] for v in values if v[1] is not None]
        merged.low = min(lows) if len(lows) == len(infos) else None
        merged.high = max(highs) if len(highs) == len(infos) else None
        merged.constant = all(i.constant for i in infos) and len({v for v in values}) == 1
        merged.scaled = all(i.scaled for i in infos)
        merged.random_labels = all(i.random_labels for i in infos)
        ns = [i.n_samples for i in infos]
        merged.n_samples = sum(ns) if all(n is not None for n in ns) else None  # type: ignore[arg-type]
        if all(i.constant for i in infos) and len({v for v in values}) > 1:
            merged.ordered_blocks = True
            merged.n_classes = len({v for v in values})
            merged.integer_labels = all(i.integer_labels for i in infos)
        return merged
    if q in ("numpy.repeat",) and args and isinstance(args[0].value, (cst.List, cst.Tuple)):
        values = program.const(args[0].value, index)
        reps = program.const(args[1], index) if len(args) > 1 else NOTHING
        if isinstance(values, tuple) and len(values) > 1 and all(isinstance(v, int) for v in values):
            info = DataInfo(source="literal", integer_labels=True, ordered_blocks=True, origin_node=node,
                            low=float(min(values)), high=float(max(values)), n_classes=len(set(values)))
            if isinstance(reps, int):
                info.n_samples = reps * len(values)
            return info
    if q in ("numpy.repeat",) and args:
        inner = args[0].value
        if isinstance(inner, cst.Call) and last(program.qualname(inner.func)) == "arange":
            k = program.const(inner.args[0].value, index) if inner.args else NOTHING
            reps = program.const(args[1], index) if len(args) > 1 else NOTHING
            info = DataInfo(source="literal", integer_labels=True, ordered_blocks=True, origin_node=node)
            if isinstance(k, int):
                info.n_classes, info.low, info.high = k, 0.0, float(k - 1)
                if isinstance(reps, int):
                    info.n_samples = k * reps
            return info
    if name == "to_categorical":
        inner = describe(program, args[0].value, index, depth + 1) if args else DataInfo()
        n = program.const(args[1] if len(args) > 1 else kwargs.get("num_classes"), index)
        info = replace(inner, one_hot=True, integer_labels=False, low=0.0, high=1.0, origin_node=node)
        if isinstance(n, int):
            info.n_classes = n
        return info
    if name == "image_dataset_from_directory" or name == "image_dataset_from_directory".replace("image_", ""):
        return DataInfo(source="image_directory", low=0.0, high=255.0, origin_node=node)
    if name == "normalize" and ("keras" in q or "sklearn" in q or q == "normalize"):
        inner = describe(program, args[0].value, index, depth + 1) if args else DataInfo()
        return replace(inner, scaled=True, low=None, high=None)
    if q in _PASS_FUNCS and args:
        inner = describe(program, args[0].value, index, depth + 1)
        if name == "array" and inner.source == "unknown" and isinstance(args[0].value, (cst.List, cst.BinaryOperation)):
            return _label_list(program, args[0].value, index)
        return inner
    if q == "numpy.arange":
        return DataInfo(source="literal")
    return DataInfo()


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def names_behind(program: Program, node: cst.BaseExpression | None, index: int, limit: int = 40) -> set[str]:
    """The array variables an expression is computed from, followed back through their assignments
    and in-place changes (X[y == 1] += 2), up to `limit` statements. Constants (n = 100), modules and
    random generators are left out: sharing them does not tie two arrays together."""
    seen: set[str] = set()
    found: set[str] = set()
    todo: list[tuple[cst.CSTNode, int]] = [(node, index)] if node is not None else []
    visited = 0
    mutations = _mutations(program)
    while todo and visited < limit:
        expr, at = todo.pop()
        visited += 1
        collector = _Names()
        expr.visit(collector)
        for name in collector.names - seen:
            seen.add(name)
            entry = program.assignment(name, at)
            if entry is None:
                continue
            stmt = entry[0]
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
