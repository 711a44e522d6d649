"""Reading kernel initialisers: 'zeros', Constant(0.5), RandomNormal(stddev=3), tf.zeros_initializer()."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from learnability.analysis.names import last
from learnability.analysis.program import CONV_LAYERS, LayerInfo, Program

KERNEL_ARGS = ("kernel_initializer", "init", "depthwise_initializer", "pointwise_initializer")
_CONSTANT = {"zeros": 0.0, "zero": 0.0, "ones": 1.0, "one": 1.0, "constant": 0.0}
_NORMAL = {"randomnormal", "truncatednormal", "randomnormalinitializer", "truncatednormalinitializer"}
_UNIFORM = {"randomuniform", "randomuniforminitializer"}


@dataclass
class Init:
    kind: str  # constant | normal | uniform | other
    arg: cst.Arg
    value: float | None = None  # the constant, when kind == constant
    std: float | None = None  # the standard deviation, when known


def _key(name: str) -> str:
    return name.lower().replace("_", "").removesuffix("initializer") if name.lower().endswith("_initializer") \
        else name.lower().replace("_", "")


def kernel_layer(layer: LayerInfo) -> bool:
    return layer.kind == "Dense" or layer.kind in CONV_LAYERS


def kernel_init(program: Program, layer: LayerInfo) -> Init | None:
    """The kernel initialiser of a Dense/Conv layer, when it is written out."""
    for name in KERNEL_ARGS:
        arg = layer.arg(None, name)
        if arg is not None:
            return read_init(program, arg, layer.call.index)
    return None


def read_init(program: Program, arg: cst.Arg, index: int) -> Init | None:
    node = arg.value
    value = program.const(node, index)
    if isinstance(value, str):
        key = _key(value)
        if key in _CONSTANT:
            return Init("constant", arg, _CONSTANT[key])
        return Init("other", arg)
    if isinstance(node, cst.Name):
        found = program.resolve_call(node, index)
        if found is not None:
            node, stmt = found
            index = stmt.index
    call_args: list[cst.Arg] = []
    if isinstance(node, cst.Call):
        q = program.qualname(node.func) or ""
        call_args = list(node.args)
    else:
        q = program.qualname(node) or ""
    if not (q.startswith(("keras.initializers.", "tensorflow.")) or "initializer" in q.lower()):
        return None
    key = _key(last(q))
    positional = [a for a in call_args if a.keyword is None and not a.star]
    kw = {a.keyword.value: a for a in call_args if a.keyword is not None}

    def num(pos: int | None, *names: str, default: float | None = None) -> float | None:
        a = next((kw[n] for n in names if n in kw), None)
        if a is None and pos is not None and pos < len(positional):
            a = positional[pos]
        if a is None:
            return default
        v = program.const(a, index)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    if key in ("zeros", "zero", "ones", "one"):
        return Init("constant", arg, _CONSTANT[key])
    if key == "constant":
        v = num(0, "value", default=0.0)
        # Constant(embedding_matrix) sets given weights: only a number is a constant initialiser
        return Init("constant", arg, v) if v is not None else Init("other", arg)
    if key in _NORMAL:
        return Init("normal", arg, std=num(1, "stddev", default=0.05))
    if key in _UNIFORM:
        lo, hi = num(0, "minval", default=-0.05), num(1, "maxval", default=0.05)
        std = (hi - lo) / 12 ** 0.5 if lo is not None and hi is not None else None
        return Init("uniform", arg, std=std)
    return Init("other", arg)

