"""Qualified names and literal evaluation over libcst nodes."""

from __future__ import annotations

import libcst as cst

_PREFIXES = (
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tensorflow.compat.v1.keras.", "keras."),
    ("tensorflow.compat.v2.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
)
_PREFIX_EXACT = {"tensorflow.keras": "keras", "tf_keras": "keras", "tensorflow.python.keras": "keras"}


def normalize(qualname: str) -> str:
    """Map every spelling of Keras onto `keras.` (tf.keras, tensorflow.keras, keras.src...)."""
    if qualname in _PREFIX_EXACT:
        return _PREFIX_EXACT[qualname]
    for prefix, repl in _PREFIXES:
        if qualname.startswith(prefix):
            return repl + qualname[len(prefix):]
    return qualname


def dotted(node: cst.BaseExpression) -> str | None:
    """`a.b.c` as a string, or None when the expression is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def module_name(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    return dotted(node) or ""


def last(qualname: str | None) -> str:
    return qualname.rsplit(".", 1)[-1] if qualname else ""
