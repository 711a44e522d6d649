"""LRN501: inputs reach `fit` with a large range and no scaling on the way."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.calls import find_calls
from learnability.analysis.data import DataInfo, describe
from learnability.analysis.names import last
from learnability.analysis.program import FitInfo, LayerInfo, ModelInfo, Program
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._helpers import SATURATING, fits, layer_prefix, starts_with_scaling
from learnability.rules.base import Context, Invalid, RelatedSpan, Rule, Valid, register

# first layers that take raw integers or strings, not scaled floats
INDEX_INPUT_LAYERS = frozenset(
    "Embedding CategoryEncoding StringLookup IntegerLookup TextVectorization Hashing Discretization".split()
)
# layers with weights that map their input (what the initialisers' unit-scale assumption is about)
WEIGHT_LAYERS = frozenset(
    """Dense Conv1D Conv2D Conv3D Conv2DTranspose Conv1DTranspose Conv3DTranspose SeparableConv2D SeparableConv1D
    DepthwiseConv2D Convolution2D Convolution1D LSTM GRU SimpleRNN Bidirectional TimeDistributed LocallyConnected2D""".split()
)
# A model with no hidden layer (linear / logistic regression) has nothing to saturate: large inputs only
# condition the problem badly (a weight's gradient scales with its input, so plain SGD's stable rate falls
# as 1 / E[x^2]). Up to two orders of magnitude above unit scale that stays within reach of the default
# rates (E[x^2] <= 1e4); beyond, it is worth a note.
LINEAR_MODEL_MAX_ABS = 100.0
# anywhere in the file, these mean the inputs are scaled (or meant to be raw) somewhere we cannot follow
SCALING_LAYERS = frozenset("Rescaling Normalization".split())


def _scales_elsewhere(program: Program) -> bool:
    """A Rescaling/Normalization layer, a keras.applications model or preprocess_input anywhere in the file:
    pretrained application models take 0-255 inputs (some rescale inside), nested preprocessing models
    rescale where the layer list cannot show it."""
    cached = program.__dict__.get("_a2_scales_elsewhere")
    if cached is None:
        cached = "applications" in program.source  # keras.applications models and their preprocess_input
        for view in find_calls(program, SCALING_LAYERS | {"preprocess_input", "per_image_standardization"}):
            q = view.qualname or ""
            if q.startswith("keras.layers.") or last(q) in ("preprocess_input", "per_image_standardization"):
                cached = True
                break
        program.__dict__["_a2_scales_elsewhere"] = cached
    return cached


def _weight_layers(model: ModelInfo) -> list[LayerInfo]:
    return [layer for layer in model.layers if layer.kind in WEIGHT_LAYERS]


def _first_layer_unknown(model: ModelInfo) -> bool:
    return 0 in getattr(model, "opaque", ()) or not model.layers


def _rescaling_fix(ctx: Context, model: ModelInfo) -> Fix | None:
    prefix = layer_prefix(ctx.program)
    if prefix is None or model.list_node is None or not model.list_node.elements:
        return None
    elements = model.list_node.elements
    target = elements[0].value
    if isinstance(target, cst.Call) and last(ctx.program.qualname(target.func) or "") in ("Input", "InputLayer"):
        if len(elements) < 2:
            return None
        target = elements[1].value
    return Fix("Add a first Rescaling(1.0 / 255) layer",
               (ctx.insert_before(model.call.placed, target, f"{prefix}Rescaling(1.0 / 255), "),))


def _generator_fix(ctx: Context, info: DataInfo) -> Fix | None:
    if info.generator is None:
        return None
    ctor, stmt = info.generator
    arg = cst.Arg(keyword=cst.Name("rescale"), value=cst.parse_expression("1.0 / 255"),
                  equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    args = list(ctor.args)
    if args:
        last_arg = args[-1]
        trailing = last_arg.comma
        args[-1] = last_arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        if isinstance(trailing, cst.Comma):  # keep a multi-line call's trailing-comma layout
            args[-1] = last_arg.with_changes(comma=trailing)
            arg = arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace("")))
    args.append(arg)
    return Fix("Add rescale=1.0 / 255 to the ImageDataGenerator",
               (ctx.replace(stmt.placed, ctor, ctor.with_changes(args=args)),))


def unscaled_inputs(program: Program, model: ModelInfo, fit: FitInfo, limit: float) -> DataInfo | None:
    """What is known of `fit`'s inputs when they reach `model` unscaled (largest value above `limit`, no
    scaling on the way); None otherwise. LRN101 asks it too (saturating layers fed unscaled inputs)."""
    if fit.x is None or starts_with_scaling(model) or _first_layer_unknown(model):
        return None
    if model.layers[0].kind in INDEX_INPUT_LAYERS:
        return None
    info = describe(program, fit.x, fit.call.index)
    if info.scaled or info.max_abs is None or info.max_abs <= limit or info.constant:
        return None
    if _scales_elsewhere(program):
        return None
    return info


def file_inputs(program: Program, model: ModelInfo, fit: FitInfo) -> DataInfo | None:
    """What is known of `fit`'s inputs when they were read from a tabular file (read_csv, loadtxt, genfromtxt)
    and reach `model` with no scaling on the way and no known range; None otherwise."""
    if fit.x is None or starts_with_scaling(model) or _first_layer_unknown(model):
        return None
    if model.layers[0].kind in INDEX_INPUT_LAYERS:
        return None
    info = describe(program, fit.x, fit.call.index)
    if not info.from_file or info.scaled or info.constant or info.max_abs is not None or info.container:
        return None
    if _scales_elsewhere(program):
        return None
    return info


@register(
    id="LRN501",
    name="unscaled-inputs",
    category=Category.PREPROCESSING,
    severity=Severity.WARNING,
    # the probe (README, article 1): inputs x100 into sigmoid convs learn slower; LRN101 carries the saturation part.
    summary="Inputs reach fit unscaled (pixels 0-255, X * 100)",
    rationale=(
        "Initialisers (Glorot, He) assume inputs of unit scale. Inputs in 0-255 make the first layer's "
        "pre-activations hundreds of times too large: sigmoid/tanh units saturate at once, ReLU nets take "
        "huge first steps, and the first layer's gradient is scaled by the input, so one learning rate cannot "
        "suit every layer. Divide by the maximum (x / 255.0), standardise, or start the model with Rescaling. "
        "A model with no hidden layer (linear or logistic regression) has nothing to saturate: it is reported, "
        "at info, only for values above 100, where the poor conditioning needs a tiny SGD rate. Columns read "
        "from a file (read_csv, loadtxt, genfromtxt) with no scaling on the way are \"likely unscaled\" (info): "
        "their range is not known statically, and tabular columns such as prices, counts or areas are often in "
        "the hundreds or more; standardise them with a scaler fitted on the training split, or start the model "
        "with a Normalization layer adapted to them. Threshold: input_max_abs."
    ),
    fix="Divide the array at the fit call by its maximum, add rescale= to the ImageDataGenerator, or add a first "
        "Rescaling(1/255) layer for image datasets.",
    covers=(
        "Inputs reach `fit` unscaled (> `input_max_abs` = 10): `*.load_data()` pixels, "
        "`image_dataset_from_directory`, `ImageDataGenerator` without `rescale`, `np.random.rand(...) * 100`,"
        " through `tf.data`; silent after `/ 255`, `/= 255`, `astype(...) / 255`, standardisation, "
        "scikit-learn scalers, a first `Rescaling`/`Normalization`/`BatchNormalization`, `.map(...)`, "
        "`keras.applications`, Embedding inputs; numeric columns of `read_csv` / `loadtxt` / `genfromtxt` "
        "reaching `fit` with no scaling on the way (info: their range is not known)"
    ),
    severity_note="info, above 100 only, for a model with no hidden layer; info (\"likely unscaled\") for columns "
                  "read from a file (read_csv, loadtxt, genfromtxt) whose range is not known",
    valid=[
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            x_train = x_train.astype("float32") / 255
            model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="pixels divided by 255 before fit"),
        Valid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Rescaling(1 / 255), layers.Flatten(),
                                      layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, note="a Rescaling layer first"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            words = np.random.randint(0, 5000, (256, 40))
            y = (words[:, 0] > 2500).astype(int)
            model = keras.Sequential([keras.Input((40,)), layers.Embedding(5000, 16), layers.GlobalAveragePooling1D(),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(words, y, epochs=5)
        """, note="token ids into an Embedding"),
        Valid("""
            import pandas as pd
            import keras
            from keras import layers
            from sklearn.preprocessing import StandardScaler

            df = pd.read_csv("houses.csv")
            X = StandardScaler().fit_transform(df[["area", "rooms", "age"]].values)
            y = df["price"].values / 1e5
            model = keras.Sequential([keras.Input((3,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            model.fit(X, y, epochs=20)
        """, note="columns read from a file, standardised"),
    ],
    invalid=[
        Invalid("""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train, y_train, epochs=5)
        """, message="inputs reach fit unscaled (mnist pixels up to 255, made on line 4): divide by 255.0", fixed="""
            import keras
            from keras import layers

            (x_train, y_train), _ = keras.datasets.mnist.load_data()
            model = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(64, activation="relu"),
                                      layers.Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x_train / 255.0, y_train, epochs=5)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8) * 100
            y = (x[:, 0] > 50).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="inputs reach fit unscaled (values up to 100, made on line 5): divide by 100.0", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8) * 100
            y = (x[:, 0] > 50).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x / 100.0, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            dataset = np.loadtxt("pima-indians-diabetes.csv", delimiter=",")
            X = dataset[:, 0:8]
            y = dataset[:, 8]
            model = keras.Sequential([keras.Input((8,)), layers.Dense(12, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(X, y, epochs=150, batch_size=10)
        """, message="likely unscaled", severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    limit = ctx.config.threshold("input_max_abs")
    for model, fit in fits(program):
        info = unscaled_inputs(program, model, fit, limit)
        if info is None:
            info = file_inputs(program, model, fit)
            if info is not None:
                yield _file_finding(rule, ctx, fit, info)
            continue
        peak = info.max_abs
        if peak is None or fit.x is None:  # (an answer always has inputs and their peak)
            continue
        weighted = _weight_layers(model)
        no_hidden = not model.opaque and len(weighted) == 1 and weighted[0] is model.output_layer
        if no_hidden and peak <= LINEAR_MODEL_MAX_ABS:
            continue  # linear / logistic regression on modest raw values: nothing saturates
        first_act = program.effective_activation(model, weighted[0].position)[0] if weighted else None
        divisor = "255.0" if peak == 255 else f"{peak:g}" + ("" if "." in f"{peak:g}" or "e" in f"{peak:g}" else ".0")
        if info.container == "generator":
            fix = _generator_fix(ctx, info) if peak == 255 else None
        elif info.source == "image_directory" or info.container == "dataset":
            fix = _rescaling_fix(ctx, model) if peak == 255 else None
        else:
            x = fit.x
            left = x
            if not isinstance(x, (cst.Name, cst.Attribute, cst.Subscript, cst.Call)):
                left = x.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            new = cst.BinaryOperation(left=left, operator=cst.Divide(), right=cst.Float(divisor))
            fix = Fix(f"Divide the inputs by {divisor}", (ctx.replace(fit.call.placed, x, new),))
        origin = ""
        if info.origin is not None and info.origin.placed is not None:
            origin = f", made on line {info.origin.placed.span(info.origin.raw.node).line}"
        if info.dataset:
            how = f"{info.dataset} pixels"
        elif info.source == "image_directory":
            how = "image files"
        elif info.container == "generator" and info.source == "generator":
            how = "ImageDataGenerator images"
        else:
            how = "values"
        related = []
        if info.origin is not None:
            related.append((info.origin.placed, info.origin.raw.node, f"the inputs are made here: {how} up to {peak:g}"))
        if no_hidden:
            severity = Severity.INFO
        elif first_act in SATURATING:
            severity = None
        else:
            severity = None
        yield rule.finding(
            ctx, fit.call.placed, fit.x,
            f"inputs reach fit unscaled ({how} up to {peak:g}{origin}): divide by {divisor}",
            fix=fix, related=related, severity=severity, max_abs=peak, source=info.source,
        )


def _file_finding(rule: Rule, ctx: Context, fit: FitInfo, info: DataInfo) -> Finding:
    """Columns read from a file with no scaling on the way: their range is unknown, so "likely", at info."""
    origin, related = "", list[RelatedSpan]()
    read = info.read_at
    if read is not None and read.placed is not None and info.origin_node is not None:
        origin = f" (read on line {read.placed.span(info.origin_node).line})"
        related.append((read.placed, info.origin_node, "the inputs are read from a file here"))
    return rule.finding(
        ctx, fit.call.placed, fit.x if fit.x is not None else fit.call.node,  # (file_inputs answers only with inputs)
        f"likely unscaled: columns read from a file{origin} reach fit as read: standardise them",
        related=related, severity=Severity.INFO, source=info.source)
