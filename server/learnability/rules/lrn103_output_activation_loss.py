"""LRN103: the output activation does not fit the loss (incl. `from_logits`)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.chunks import PlacedChunk
from learnability.analysis.program import LossInfo, ModelInfo
from learnability.findings import Category, Finding, Fix, Severity, TextEdit
from learnability.rules._helpers import with_string_value
from learnability.rules._outputs import (
    CATEGORICAL,
    CROSSENTROPY,
    PROBABILITY,
    SEEN,
    Output,
    add_keyword,
    each_loss_and_output,
    model_quote,
)
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN103",
    name="output-activation-loss-mismatch",
    category=Category.ACTIVATION,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py claims: linear/relu outputs read as probabilities reach 0.63/0.26 vs 0.99 (warning);
    # sigmoid + categorical CE and relu before softmax train as well (information).
    summary="Output activation does not fit the loss (softmax/sigmoid vs from_logits, linear or relu into crossentropy)",
    rationale=(
        "Crossentropy losses read the output either as probabilities (from_logits=False, the default: the "
        "output needs softmax or sigmoid) or as raw logits (from_logits=True: the output must be linear). "
        "A softmax/sigmoid output with from_logits=True squashes twice (tf.keras 2, JAX): the probabilities are "
        "confined near the middle and the loss stalls high; Keras 3 on TensorFlow notices, warns and uses the "
        "logits. A linear or relu output read as probabilities is clipped to [1e-7, 1-1e-7]: outside that range "
        "the gradient is zero (measured, 3 classes: accuracy 0.63 linear and 0.26 relu vs 0.99 softmax). sigmoid "
        "outputs fed to a categorical crossentropy do not form a distribution, and an activation before the final "
        "softmax (Dense(10, activation='relu'), Activation('softmax')) bends the logits: both train, but the "
        "outputs are not the probabilities the loss assumes (information)."
    ),
    fix="Make the output activation and the loss agree: set from_logits=False, or use softmax/sigmoid on the output.",
    covers=(
        "Output activation does not fit the loss: softmax/sigmoid with `from_logits=True`; linear/relu/tanh "
        "output read as probabilities by a crossentropy; sigmoid with a categorical crossentropy; an "
        "activation before the final softmax layer"
    ),
    severity_note="info: sigmoid + categorical CE, an activation before the final softmax",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(3)])
            model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            model.fit(x, y, epochs=10)
        """, note="a linear output with from_logits=True (the recommended pairing)"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="softmax with a probability-reading crossentropy"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(3)])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="the output has no activation, but the loss reads probabilities: use softmax or from_logits=True", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
            model.fit(x, y, epochs=10)
        """, message="from_logits=True on a softmax output applies softmax twice: set from_logits=False", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] * 3).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False))
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = keras.utils.to_categorical((x[:, 0] * 3).astype(int), 3)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="sigmoid")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="sigmoid outputs do not sum to 1 as categorical_crossentropy expects: use softmax", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = keras.utils.to_categorical((x[:, 0] * 3).astype(int), 3)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
            model.compile(optimizer="adam", loss="categorical_crossentropy")
            model.fit(x, y, epochs=10)
        """,
                severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from each_loss_and_output(ctx, rule, lambda model, loss, out: _one(rule, ctx, model, loss, out))


def _one(rule: Rule, ctx: Context, model: ModelInfo, loss: LossInfo, out: Output) -> Iterator[object]:  # findings, SEEN
    if loss.name not in CROSSENTROPY:
        return
    act = out.activation
    if act == "unknown":
        return
    fl = loss.from_logits_arg
    if fl is not None and not loss.from_logits and not (isinstance(fl.value, cst.Name) and fl.value.value == "False"):
        return  # from_logits=use_logits: not known statically
    yield SEEN
    if out.pre_activation is not None and act in PROBABILITY:
        yield _double_activation(rule, ctx, model, out)
    wanted = "sigmoid" if loss.name == "binary_crossentropy" else "softmax"
    related = [(out.act_layer.call.placed, out.act_arg.value if out.act_arg is not None else out.act_layer.call.node,
                f"the output activation is '{act}'")]
    quote = model_quote(model, out.act_arg.value if out.act_arg is not None else None)
    if loss.from_logits:
        if act in ("linear", "log_softmax"):
            return  # log-probabilities are valid logits
        fix = None
        if act in PROBABILITY and loss.from_logits_arg is not None:
            arg = loss.from_logits_arg
            fix = Fix("Set from_logits=False", (ctx.replace(loss.placed, arg.value, "False"),))
            why = f"from_logits=True on a {act} output applies {act} twice: set from_logits=False"
        else:
            if act in ("relu", "relu6"):
                limit = "never negative"
            elif act in ("softplus", "exponential"):
                limit = "never negative"
            elif act in ("tanh", "hard_tanh", "softsign", "hard_sigmoid"):
                limit = "squashed into a narrow range"
            else:
                limit = "bent by the activation"
            why = f"from_logits=True on a {act} output: the logits are {limit}; remove the activation"
        anchor = loss.from_logits_arg if loss.from_logits_arg is not None else loss.node
        yield rule.finding(ctx, loss.placed, anchor, why,
                           fix=fix, related=related, activation=act, loss=loss.name)
        return
    if act in PROBABILITY or act == "hard_sigmoid":
        if act in ("sigmoid", "hard_sigmoid") and loss.name in CATEGORICAL and out.units != 1:
            fix = _set_activation(ctx, model, out, "softmax", quote)
            yield rule.finding(
                ctx, loss.placed, loss.node,
                f"{act} outputs do not sum to 1 as {loss.name} expects: use softmax",
                fix=fix, related=related, severity=Severity.INFO, activation=act, loss=loss.name)
        return  # softmax with binary_crossentropy is LRN201's (units), softmax on 1 unit LRN102's
    # linear, relu, tanh, ... read as probabilities
    fix = None
    if loss.name in CATEGORICAL and out.units == 1:
        return  # categorical crossentropy on one unit: LRN201
    if act == "linear" and isinstance(loss.node, cst.Call) and loss.from_logits_arg is None:
        fix = Fix("Pass from_logits=True to the loss", (_loss_keyword(ctx, loss.placed, loss.node, "from_logits=True"),))
    else:
        fix = _set_activation(ctx, model, out, wanted, quote)
    if act == "linear":
        what = "has no activation"
    else:
        what = f"applies {act}"
    yield rule.finding(
        ctx, loss.placed, loss.node,
        f"the output {what}, but the loss reads probabilities: use {wanted}"
        + (" or from_logits=True" if act == "linear" else ""),
        fix=fix, related=related, activation=act, loss=loss.name)


def _set_activation(ctx: Context, model: ModelInfo, out: Output, name: str, quote: str) -> Fix | None:
    text = f"{quote}{name}{quote}"
    arg = out.act_arg
    if arg is not None:
        value = arg.value
        if isinstance(value, cst.SimpleString):
            new = with_string_value(value, name)
        elif isinstance(value, cst.Attribute) and name in ("softmax", "sigmoid"):
            new = value.with_changes(attr=cst.Name(name))
        elif isinstance(value, cst.Name) and value.value == "None":
            new = cst.SimpleString(text)
        else:
            return None
        return Fix(f"Use '{name}' on the output", (ctx.replace(out.act_layer.call.placed, value, new),))
    if out.act_layer is not out.layer or out.layer.kind != "Dense":
        return None
    edit = add_keyword(ctx, out.layer, f"activation={text}")
    return Fix(f"Use '{name}' on the output", (edit,)) if edit is not None else None


def _loss_keyword(ctx: Context, placed: PlacedChunk, node: cst.Call, text: str) -> TextEdit:
    if node.args:
        return ctx.insert_after(placed, node.args[-1].value, f", {text}")
    return ctx.replace(placed, node, f"{placed.code(node.func)}({text})")


def _double_activation(rule: Rule, ctx: Context, model: ModelInfo, out: Output) -> Finding:
    """Dense(10, activation='relu') followed by Activation('softmax'): the logits pass two activations."""
    pre, arg = out.pre_activation, out.layer.arg(1 if out.layer.kind == "Dense" else None, "activation")
    fix = None
    if arg is not None and isinstance(arg.value, cst.SimpleString):
        fix = Fix(f"Remove '{pre}' from the output layer",
                  (ctx.replace(out.layer.call.placed, arg.value, with_string_value(arg.value, "linear")),))
    if pre in ("relu", "relu6"):
        effect = "zeroes negative logits"
    else:
        effect = "squashes the logits"
    return rule.finding(
        ctx, out.layer.call.placed, arg.value if arg is not None else out.layer.call.node,
        f"{pre} before {out.activation} on the output {effect}: leave the output layer linear",
        fix=fix, related=[(out.act_layer.call.placed, out.act_layer.call.node, f"'{out.activation}' is applied here")],
        severity=Severity.INFO,
        activation=pre,
    )
