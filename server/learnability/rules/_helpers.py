"""Small pieces several rules share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

import libcst as cst

from learnability.analysis.program import CONV_LAYERS, FitInfo, LayerInfo, ModelInfo, Program
from learnability.findings import Finding
from learnability.rules.base import Rule

if TYPE_CHECKING:
    from learnability.rules.base import Context

T = TypeVar("T")

SATURATING = frozenset({"sigmoid", "tanh", "hard_sigmoid", "softsign", "hard_tanh", "log_sigmoid"})
PREPROCESSING_LAYERS = frozenset({"Rescaling", "Normalization", "BatchNormalization", "LayerNormalization"})


def is_conv(layer: LayerInfo) -> bool:
    return layer.kind in CONV_LAYERS


def fits(program: Program) -> Iterator[tuple[ModelInfo, FitInfo]]:
    """(model, fit) for every fit; the model as trained under the compile in force at that fit (once per
    compile when branches leave several)."""
    for model in program.models:
        for fit in model.fits:
            if not fit.compiles:
                yield model, fit
            for c in fit.compiles:
                yield model.with_compile(c), fit


def first_per_key(keyed: Iterable[tuple[object, Finding]]) -> Iterator[Finding]:
    """The findings of `(key, finding)` pairs, each key's first only: per-model work meets the same layer or
    fit again (a builder called twice, identical statements sharing one parsed node, a fit under two compiles)."""
    seen: set[object] = set()
    for key, finding in keyed:
        if key not in seen:
            seen.add(key)
            yield finding


def each_fit(ctx: Context, rule: Rule, work: Callable[[ModelInfo, FitInfo], Iterable[T]]) -> Iterator[T]:
    """`work(model, fit)` for every (model, fit) of `fits`, in order, as per-model work (`Context.each_model`):
    `work` must depend only on its model and fit (no state shared between calls)."""
    def one(model: ModelInfo) -> Iterator[T]:
        for fit in model.fits:
            if not fit.compiles:
                yield from work(model, fit)
            for c in fit.compiles:
                yield from work(model.with_compile(c), fit)

    yield from ctx.each_model(rule, ctx.program.models, one)


def starts_with_scaling(model: ModelInfo) -> bool:
    """True when one of the first layers rescales or normalises the input."""
    for layer in model.layers[:3]:
        if layer.kind in PREPROCESSING_LAYERS or layer.kind == "Lambda":
            return True
    return False


def with_string_value(node: cst.BaseExpression, text: str) -> cst.BaseExpression:
    """A string literal carrying `text`, in the quote style of `node` when it is a string."""
    if isinstance(node, cst.SimpleString):
        q = node.quote
        return node.with_changes(value=f"{node.prefix}{q}{text}{q}")
    return cst.SimpleString(f'"{text}"')


def with_name_tail(node: cst.BaseExpression, name: str, program: Program) -> cst.BaseExpression:
    """tf.nn.sigmoid -> tf.nn.relu and keras.activations.tanh -> keras.activations.relu, where the
    module has that function; anything else (a variable, tf.math.sigmoid, an imported name) -> "relu"."""
    qual = program.qualname(node) or ""
    if isinstance(node, cst.Attribute) and qual.startswith(("keras.activations.", "tensorflow.nn.")):
        return node.with_changes(attr=cst.Name(name))
    return cst.SimpleString(f'"{name}"')


def layer_prefix(program: Program) -> str | None:
    """How this file spells a layer class: `layers.`, `keras.layers.`, `tf.keras.layers.`, or ''
    when layers are imported by name; None when it cannot be told."""
    for local, qual in program.aliases.items():
        if qual in ("keras.layers", "tensorflow.keras.layers", "tf_keras.layers"):
            return f"{local}."
    for local, qual in program.aliases.items():
        if qual == "keras" or qual == "tensorflow.keras":
            return f"{local}.layers."
    for local, qual in program.aliases.items():
        if qual == "tensorflow":
            return f"{local}.keras.layers."
    return None


def number_text(value: float) -> str:
    return f"{value:g}" if value >= 1e-4 else f"{value:.0e}"
