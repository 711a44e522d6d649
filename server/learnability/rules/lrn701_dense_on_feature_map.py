"""LRN701: a Dense layer applied to a conv feature map with no Flatten / global pooling."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.program import CONV_LAYERS, POOL_LAYERS, LayerInfo, ModelInfo
from learnability.analysis.shapes import SHAPE_PRESERVING, spatial_rank
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._outputs import LABEL_SOURCES, labels_of, line_indent, spelled_layer_edits
from learnability.rules.base import Context, Invalid, Rule, Valid, register

_KEEPS_MAP = SHAPE_PRESERVING | {"UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
                                 "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D"}
_FLATTENS = ("Flatten", "GlobalAveragePooling", "GlobalMaxPooling", "GlobalAvgPool", "GlobalMaxPool")


@register(
    id="LRN701",
    name="dense-on-feature-map",
    category=Category.LAYERS,
    severity=Severity.ERROR,
    # scripts/measure_rule_claims.py claims: Dense on a 4-D map with per-sample labels fails at fit (error).
    summary="Dense applied to a conv feature map with no Flatten or global pooling",
    rationale=(
        "Dense acts on the last axis only. On a (batch, height, width, channels) feature map it produces one "
        "prediction per pixel, (batch, height, width, units), not one per sample. With one label per sample the "
        "loss cannot line up predictions with labels: Keras stops with a shape error, or broadcasts the label over "
        "every pixel and trains something else. Flatten (or GlobalAveragePooling2D) turns the map into a vector "
        "first."
    ),
    fix="Insert Flatten() before the Dense layer.",
    covers="Dense on a conv feature map with no Flatten/global pooling: predicts per pixel, not per sample",
    severity_note="info when labels are unknown",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(64, 28, 28, 1)
            y = np.arange(64) % 10
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"),
                                      layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
        """, note="Flatten between the conv block and Dense"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(64, 28, 28, 1)
            masks = (x > 0.5).astype("float32")
            model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3, padding="same", activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, masks, epochs=5)
        """, note="a per-pixel output (segmentation) trained on per-pixel masks",
              xfail="needs label shapes: masks computed from the 4-D inputs are not known to be per pixel"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.cifar10.load_data()
            model = keras.Sequential([
                keras.Input((32, 32, 3)),
                layers.Rescaling(1 / 255),
                layers.Conv2D(32, 3, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="Dense on the 4-D output of Conv2D predicts per position, not per label: add Flatten() before it", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.cifar10.load_data()
            model = keras.Sequential([
                keras.Input((32, 32, 3)),
                layers.Rescaling(1 / 255),
                layers.Conv2D(32, 3, activation="relu"),
                layers.Flatten(),
                layers.Dense(10, activation="softmax"),
            ])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    seen: set[int] = set()
    for model in program.models:
        rank = None  # spatial rank of the map flowing through, when a conv/pool made it
        maker = None
        dense = None  # the first Dense applied to that map
        for layer in model.layers:
            if layer.position in model.opaque:
                rank = dense = None
            kind = layer.kind
            if kind in CONV_LAYERS or kind in POOL_LAYERS or kind.startswith(("MaxPooling", "AveragePooling")):
                rank, maker = spatial_rank(kind), layer
            elif kind.startswith(_FLATTENS):
                rank = dense = None  # flattened later: a Dense on the map before is a 1x1 convolution
            elif kind == "Dense":
                if rank is not None and dense is None:
                    dense = layer
            elif kind not in _KEEPS_MAP:
                rank = dense = None
        if model.opaque and max(model.opaque) >= len(model.layers):
            continue  # something unknown after the last layer
        if dense is not None and rank is not None and maker is not None and id(dense.call.node) not in seen:
            # the model's output is still a feature map, and a Dense layer works on it
            seen.add(id(dense.call.node))
            finding = _finding(rule, ctx, model, dense, maker, rank)
            if finding is not None:
                yield finding


def _finding(rule: Rule, ctx: Context, model: ModelInfo, layer: LayerInfo, maker: LayerInfo, rank: int) -> Finding | None:
    program = ctx.program
    labels = labels_of(program, model)
    per_sample = labels is not None and labels.source in LABEL_SOURCES and (labels.integer_labels or labels.one_hot) \
        and (labels.shape is None or len(labels.shape) <= 2)
    if per_sample:
        severity = Severity.ERROR
    elif rank >= 2 and (labels is None or labels.source == "unknown"):
        severity = Severity.INFO  # labels unknown: could be a per-pixel model, but usually a missing Flatten
    else:
        return None
    msg = f"Dense on the {rank + 2}-D output of {maker.kind} predicts per position"
    msg += (", not per label" if per_sample else "")
    msg += ": add Flatten() before it"
    return rule.finding(ctx, layer.call.placed, layer.call.node, msg, fix=_fix(ctx, model, layer),
                        severity=severity, related=[(maker.call.placed, maker.call.node, f"the {maker.kind} output is a {rank + 2}-D feature map")])


def _fix(ctx: Context, model: ModelInfo, layer: LayerInfo) -> Fix | None:
    program = ctx.program
    spelled = spelled_layer_edits(ctx, "Flatten", layer.call.node)
    if spelled is None:
        return None
    flatten, imports = spelled
    node = layer.call.node
    placed = layer.call.placed
    # Sequential([...]): the Dense call is an element of the list
    if model.kind == "sequential" and model.list_node is not None and any(el.value is node for el in model.list_node.elements):
        span = placed.span(node)
        indent = line_indent(program, span.line, span.column)
        text = f"{flatten}(),\n{indent}" if indent is not None else f"{flatten}(), "
        return Fix("Insert Flatten() before the Dense layer", imports + (ctx.insert_before(placed, node, text),))
    stmt = program.stmts[layer.call.index] if layer.call.index < len(program.stmts) else None
    if stmt is None or stmt.index != layer.call.index:
        return None
    raw = stmt.raw
    # model.add(Dense(...)): add a model.add(Flatten()) line before it
    call = raw.value
    if model.kind == "sequential" and raw.kind == "expr" and isinstance(call, cst.Call) and call.args and \
            call.args[0].value is node:
        span = placed.span(raw.node)
        indent = line_indent(program, span.line, span.column)
        if indent is None:
            return None
        func = call.func
        target = placed.code(func)
        return Fix("Insert Flatten() before the Dense layer",
                   imports + (ctx.insert_before(placed, raw.node, f"{target}({flatten}())\n{indent}"),))
    # functional: Dense(...)(x) -> Dense(...)(Flatten()(x))
    applied = program.applied.get(id(node))
    if applied is not None:
        app, astmt = applied
        if app.args and app.args[0].keyword is None and not app.args[0].star:
            arg = app.args[0].value
            return Fix("Insert Flatten() before the Dense layer",
                       imports + (ctx.replace(astmt.placed, arg, f"{flatten}()({astmt.placed.code(arg)})"),))
    return None
