"""Static spatial shapes through a model: the input size, Conv/Pool kernels, strides and padding.

Only what can be read off literals (and module-level constants) is used; at the first layer whose effect
on the spatial size is not known, the trace stops. Keras 2 spellings (`border_mode=`, `subsample=`,
`Convolution2D(n, 3, 3)`, `pool_length=`) are understood.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import libcst as cst

from learnability.analysis.program import CONV_LAYERS, POOL_LAYERS, LayerInfo, ModelInfo, Program
from learnability.analysis.semantic import NOTHING

# layers that keep the spatial size
SHAPE_PRESERVING = frozenset(
    """Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise GaussianDropout AlphaDropout
    BatchNormalization LayerNormalization Activation ReLU LeakyReLU PReLU ELU ThresholdedReLU Softmax Rescaling
    Normalization RandomFlip RandomRotation RandomZoom RandomContrast RandomTranslation RandomBrightness
    ActivityRegularization UnitNormalization GroupNormalization""".split()
)
_ND = re.compile(r"([123])D")


_RANKS: dict[str, int | None] = {}


def spatial_rank(kind: str) -> int | None:
    """2 for Conv2D / MaxPooling2D / UpSampling2D..., None for layers without a spatial rank."""
    if kind in _RANKS:
        return _RANKS[kind]
    m = _ND.search(kind)
    rank = int(m.group(1)) if m else None
    if len(_RANKS) < 10_000:
        _RANKS[kind] = rank
    return rank


@dataclass
class TooSmall:
    layer: LayerInfo = field(repr=False)
    dims: tuple[int, ...]  # the spatial size reaching the layer
    window: tuple[int, ...]  # the (dilated) kernel, the pool size, or the cropping
    what: str  # kernel | pool | cropping
    input_dims: tuple[int | None, ...]


def input_dims(program: Program, model: ModelInfo) -> tuple[tuple[int | None, ...], bool] | None:
    """(spatial dims of the model input, channels_first), when known."""
    shape = model.input_shape
    if shape is None and model.layers:
        first = model.layers[0]
        for kw in ("input_shape", "batch_input_shape", "batch_shape"):
            arg = first.call.kwargs.get(kw)
            if arg is not None:
                v = program.const(arg, first.call.index)
                if isinstance(v, tuple):
                    shape = v[1:] if kw != "input_shape" else v
                break
    if not isinstance(shape, tuple) or len(shape) < 2:
        return None
    if not all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in shape):
        return None
    order = _channel_order(program, model)
    if order is None:
        return None
    channels_first = order == "channels_first"
    if not channels_first and order == "default" and len(shape) == 3 and shape[0] in (1, 3, 4) and \
            isinstance(shape[2], int) and shape[2] > 4:
        return None  # looks channels-first (Keras 1 / Theano ordering set in keras.json): cannot tell
    dims = tuple(shape[1:]) if channels_first else tuple(shape[:-1])
    return dims, channels_first


def _channel_order(program: Program, model: ModelInfo) -> str | None:
    if program.calls_method("set_image_data_format") or program.calls_method("set_image_dim_ordering"):
        return None
    found: set[str] = set()
    for layer in model.layers:
        for kw in ("data_format", "dim_ordering"):
            arg = layer.call.kwargs.get(kw)
            if arg is None:
                continue
            v = program.const(arg, layer.call.index)
            if v in ("channels_first", "th"):
                found.add("channels_first")
            elif v in ("channels_last", "tf"):
                found.add("channels_last")
            else:
                return None
    if len(found) > 1:
        return None
    return found.pop() if found else "default"


def _ints(program: Program, arg: cst.Arg | None, index: int, nd: int, default: object = NOTHING) -> tuple[int, ...] | None:
    v = program.const(arg, index) if arg is not None else default
    if v is NOTHING or v is None:
        return None
    if isinstance(v, int) and not isinstance(v, bool):
        return (v,) * nd
    if isinstance(v, tuple) and len(v) == nd and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        return v
    return None


def _padding(program: Program, layer: LayerInfo, position: int | None) -> str | None:
    arg = layer.arg(position, "padding", "border_mode")
    if arg is None:
        return "valid"
    v = program.const(arg, layer.call.index)
    return v.lower() if isinstance(v, str) and v.lower() in ("valid", "same", "causal") else None


def find_too_small(program: Program, model: ModelInfo) -> TooSmall | None:
    """The first layer whose kernel, pool or cropping is larger than the feature map reaching it."""
    start = input_dims(program, model)
    if start is None:
        return None
    dims: tuple[int | None, ...] = start[0]
    nd = len(dims)
    strides: tuple[int, ...] | None
    padding: str | None
    for layer in model.layers:
        if layer.position in model.opaque:
            return None
        kind = layer.kind
        if kind in SHAPE_PRESERVING:
            continue
        rank = spatial_rank(kind)
        if rank is not None and rank != nd:
            return None
        index = layer.call.index
        if kind in CONV_LAYERS:
            step = _conv(program, layer, nd)
            if step is None:
                return None
            kernel, strides, padding, transpose = step
            if transpose:
                dims = tuple(None if d is None else (d * s if padding == "same" else (d - 1) * s + k)
                             for d, k, s in zip(dims, kernel, strides))
                continue
            if padding == "valid" and any(d is not None and d < k for d, k in zip(dims, kernel)):
                return TooSmall(layer, tuple(d or 0 for d in dims), kernel, "kernel", start[0])
            dims = _out(dims, kernel, strides, padding)
        elif kind in POOL_LAYERS or kind.startswith(("MaxPooling", "AveragePooling", "MaxPool", "AvgPool")):
            pool = _ints(program, layer.arg(0, "pool_size", "pool_length"), index, nd, default=2)
            if pool is None:
                return None
            sarg = layer.arg(1, "strides", "stride")
            strides = pool if sarg is None or program.const(sarg, index) is None else _ints(program, sarg, index, nd)
            padding = _padding(program, layer, 2)
            if strides is None or padding is None:
                return None
            if padding == "valid" and any(d is not None and d < p for d, p in zip(dims, pool)):
                return TooSmall(layer, tuple(d or 0 for d in dims), pool, "pool", start[0])
            dims = _out(dims, pool, strides, padding)
        elif kind.startswith("UpSampling"):
            size = _ints(program, layer.arg(0, "size", "length"), index, nd, default=2)
            if size is None:
                return None
            dims = tuple(None if d is None else d * s for d, s in zip(dims, size))
        elif kind.startswith("ZeroPadding"):
            pad = _pairs(program, layer.arg(0, "padding"), index, nd, default=1)
            if pad is None:
                return None
            dims = tuple(None if d is None else d + p for d, p in zip(dims, pad))
        elif kind.startswith("Cropping"):
            crop = _pairs(program, layer.arg(0, "cropping"), index, nd, default=0)
            if crop is None:
                return None
            if any(d is not None and d - c < 1 for d, c in zip(dims, crop)):
                return TooSmall(layer, tuple(d or 0 for d in dims), crop, "cropping", start[0])
            dims = tuple(None if d is None else d - c for d, c in zip(dims, crop))
        elif kind in ("Resizing", "CenterCrop", "RandomCrop") and nd == 2:
            h = program.const(layer.arg(0, "height"), index)
            w = program.const(layer.arg(1, "width"), index)
            if not (isinstance(h, int) and isinstance(w, int)):
                return None
            dims = (h, w)
        else:
            return None  # Flatten, pooling to a vector, Dense, recurrent, merge, custom...: stop here
    return None


def _out(dims: tuple[int | None, ...], window: tuple[int, ...], strides: tuple[int, ...],
         padding: str) -> tuple[int | None, ...]:
    out: list[int | None] = []
    for d, k, s in zip(dims, window, strides):
        if d is None or s <= 0:
            out.append(None)
        elif padding in ("same", "causal"):
            out.append(math.ceil(d / s))
        else:
            out.append((d - k) // s + 1)
    return tuple(out)


def _pairs(program: Program, arg: cst.Arg | None, index: int, nd: int, default: int) -> tuple[int, ...] | None:
    """ZeroPadding/Cropping amounts as the total per dimension: 1 -> 2 a side; ((1, 2), (3, 4)) -> (3, 7)."""
    v = program.const(arg, index) if arg is not None else default
    if isinstance(v, int) and not isinstance(v, bool):
        return (2 * v,) * nd
    if isinstance(v, tuple) and len(v) == nd:
        out: list[int] = []
        for x in v:
            if isinstance(x, int):
                out.append(2 * x)
            elif isinstance(x, tuple) and len(x) == 2 and all(isinstance(y, int) for y in x):
                out.append(x[0] + x[1])
            else:
                return None
        return tuple(out)
    return None


def _conv(program: Program, layer: LayerInfo, nd: int) -> tuple[tuple[int, ...], tuple[int, ...], str, bool] | None:
    """(kernel (dilated), strides, padding, transposed) of a convolution, or None when not known."""
    index = layer.call.index
    kind = layer.kind
    positional = layer.call.args
    kw = layer.call.kwargs
    if kind == "DepthwiseConv2D":
        karg, sarg, ppos = layer.arg(0, "kernel_size"), layer.arg(1, "strides", "subsample"), 2
    elif kind.startswith("Convolution") and nd >= 2 and len(positional) >= nd + 1 and "kernel_size" not in kw:
        # Keras 1: Convolution2D(nb_filter, nb_row, nb_col, ..., border_mode=..., subsample=...)
        vals = tuple(program.const(a, index) for a in positional[1:nd + 1])
        if not all(isinstance(v, int) for v in vals):
            return None
        sarg = kw.get("subsample") or kw.get("strides")
        strides = _ints(program, sarg, index, nd, default=1)
        padding = _padding(program, layer, None)
        if strides is None or padding is None:
            return None
        return vals, strides, padding, False
    else:
        if len(positional) >= 3 and nd >= 2 and isinstance(program.const(positional[1], index), int) and \
                isinstance(program.const(positional[2], index), int):
            return None  # Conv2D(32, 3, 3): Keras 2 read (3, 3) as the kernel, Keras 3 reads strides=3
        karg = layer.arg(1, "kernel_size", "filter_length")
        sarg = layer.arg(2, "strides", "subsample", "subsample_length")
        ppos = 3
    kernel = _ints(program, karg, index, nd)
    if kernel is None and karg is None and nd == 2 and "nb_row" in kw and "nb_col" in kw:  # Keras 1 keywords
        rows, cols = program.const(kw["nb_row"], index), program.const(kw["nb_col"], index)
        kernel = (rows, cols) if isinstance(rows, int) and isinstance(cols, int) else None
    strides = _ints(program, sarg, index, nd, default=1)
    padding = _padding(program, layer, ppos)
    dil_arg = layer.arg(5 if kind != "DepthwiseConv2D" else None, "dilation_rate", "atrous_rate")
    dilation = _ints(program, dil_arg, index, nd, default=1)
    if kernel is None or strides is None or padding is None or dilation is None:
        return None
    transpose = "Transpose" in kind
    if transpose and "output_padding" in kw:
        return None
    eff = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    return eff, strides, padding, transpose
