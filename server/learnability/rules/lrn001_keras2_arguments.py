"""LRN001: Keras 1/2 argument and method names that Keras 3 rejects (lr=, nb_epoch=, init=, border_mode=, ...)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.calls import find_calls
from learnability.analysis.names import module_name
from learnability.analysis.program import CallView, Program
from learnability.findings import Category, Finding, Fix, Severity, Span, TextEdit
from learnability.rules._optim import is_legacy, is_optimizer_call, uses_keras2_package
from learnability.rules.base import Context, Invalid, Rule, Valid, register

# Keras 1 layer keywords -> Keras 2/3 names (None: no one-to-one rename, report only)
LAYER_RENAMES: dict[str, str | None] = {
    "init": "kernel_initializer", "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint", "border_mode": "padding",
    "subsample": "strides", "subsample_length": "strides", "nb_filter": "filters", "filter_length": "kernel_size",
    "pool_length": "pool_size", "dropout_W": "dropout", "dropout_U": "recurrent_dropout",
    "inner_init": "recurrent_initializer", "inner_activation": "recurrent_activation",
    "U_regularizer": "recurrent_regularizer", "bias": "use_bias", "dim_ordering": None, "nb_row": None,
    "nb_col": None, "forget_bias_init": None,
}
OUTPUT_DIM_LAYERS = frozenset({"Dense", "LSTM", "GRU", "SimpleRNN", "TimeDistributedDense"})  # not Embedding
DROPOUT_LAYERS = frozenset({"Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout", "AlphaDropout"})
POOL_1D = frozenset({"MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D"})
FIT_RENAMES: dict[str, str | None] = {"nb_epoch": "epochs", "nb_val_samples": None, "samples_per_epoch": None}
FIT_METHODS = frozenset({"fit", "fit_generator", "evaluate", "predict"})
METHOD_RENAMES: dict[str, str | None] = {
    "fit_generator": "fit", "evaluate_generator": "evaluate", "predict_generator": "predict",
    "predict_classes": None, "predict_proba": None,
}
# Keras 1/2 submodules that Keras 3 (and tf.keras) do not have: everything is in the parent
OLD_SUBMODULES = {f"layers.{m}": "layers" for m in (
    "core convolutional pooling normalization recurrent embeddings advanced_activations merge noise wrappers local "
    "convolutional_recurrent").split()}
OLD_SUBMODULES["utils.np_utils"] = "utils"
KERAS_ROOTS = ("keras.", "tensorflow.keras.")
SEARCH_KEYWORDS = frozenset(LAYER_RENAMES) | frozenset(FIT_RENAMES) | {"output_dim", "p", "stride", "lr"}
SEARCH_NAMES = frozenset(METHOD_RENAMES) | {"Conv2D", "Convolution2D"}
METHOD_HINT = {
    "predict_classes": "use np.argmax(model.predict(x), axis=-1)",
    "predict_proba": "use model.predict(x)",
}


@register(
    id="LRN001",
    name="keras2-arguments",
    category=Category.API,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py more (Keras 3.15): Adam(lr=0.01) raises ValueError, fit(nb_epoch=2) TypeError: certain
    # on Keras 3, but tf.keras 2 still accepts them and the file may target it (warning).
    summary="Keras 1/2 argument or method that Keras 3 rejects (lr=, nb_epoch=, init=, border_mode=, fit_generator ...)",
    rationale=(
        "Keras 3 (TensorFlow 2.16+ and standalone) removed the Keras 1 layer keywords (init, border_mode, "
        "subsample, nb_filter, output_dim, W_regularizer, ...), the optimizer keyword lr, the *_generator "
        "methods and the Keras 2 submodules (keras.layers.core, keras.utils.np_utils): the script stops with 'Unrecognized keyword arguments' or an AttributeError before training, "
        "and an old tutorial's code seems broken for no reason. Conv2D(32, 3, 3) is worse: Keras 3 reads the "
        "third number as strides, silently shrinking every feature map. The renames keep the meaning."
    ),
    fix="Rename the keyword (lr -> learning_rate, nb_epoch -> epochs, init -> kernel_initializer, ...).",
    covers=(
        "Keras 1/2 keyword or method Keras 3 rejects: `lr`, `nb_epoch`, `init`, `border_mode`, `subsample`, "
        "`nb_filter`, `output_dim` (Dense/RNN, not Embedding), `W_/b_regularizer`, `p`, `dropout_U`, "
        "`fit_generator`, `predict_classes`; `Conv2D(32, 3, 3)` (Keras 3 reads the third number as strides); "
        "Keras 2 submodule imports (`keras.layers.core`, `keras.utils.np_utils`, ...). `input_dim` is still "
        "accepted; `decay` is LRN401's; legacy / `tf_keras` optimizers are left alone"
    ),
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([layers.Dense(16, activation="relu", input_dim=8),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="Keras 3 names (learning_rate, epochs); input_dim is still accepted"),
        Valid("""
            import numpy as np
            import tensorflow as tf

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu", input_shape=(8,)),
                                         tf.keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=tf.keras.optimizers.legacy.Adam(lr=0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="legacy optimizers (tf.keras.optimizers.legacy, tf_keras) still take lr="),
        Valid("""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            x = np.random.rand(64, 32, 32, 3)
            y = np.arange(64) % 10
            model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(64, 2, 2, activation="relu"),
                                      layers.Flatten(), layers.Dense(10, activation="softmax")])
            model.compile("adam", "sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
        """, note="Conv2D(64, 2, 2): a real stride of 2 (patchify), not Keras 1's nb_row, nb_col"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(lr=0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Keras 3 optimizers have no lr=: use learning_rate", fixed="""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Dense

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = Sequential([Dense(16, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, nb_epoch=10, batch_size=32)
        """, message="fit() has no keyword nb_epoch in Keras 3; use epochs", fixed="""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Dense

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = Sequential([Dense(16, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10, batch_size=32)
        """),
        Invalid("""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Conv2D, Flatten, Dense

            x = np.random.rand(64, 28, 28, 1)
            y = np.arange(64) % 10
            model = Sequential([Conv2D(32, 3, 3, activation="relu", input_shape=(28, 28, 1)), Flatten(),
                                Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
        """, message="Conv2D(32, 3, 3): Keras 3 reads 3 as strides, not the kernel; use (3, 3)", fixed="""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Conv2D, Flatten, Dense

            x = np.random.rand(64, 28, 28, 1)
            y = np.arange(64) % 10
            model = Sequential([Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)), Flatten(),
                                Dense(10, activation="softmax")])
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
            model.fit(x, y, epochs=5)
        """),
        Invalid("""
            import numpy as np
            from keras.models import Sequential
            from keras.layers.core import Dense

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = Sequential([Dense(16, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="keras.layers.core does not exist in Keras 3", fixed="""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Dense

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = Sequential([Dense(16, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Dense

            def batches():
                while True:
                    x = np.random.rand(32, 8)
                    yield x, (x[:, 0] > 0.5).astype(int)

            model = Sequential([Dense(16, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit_generator(batches(), steps_per_epoch=8, epochs=10)
        """, message="Model.fit_generator() does not exist in Keras 3", fixed="""
            import numpy as np
            from keras.models import Sequential
            from keras.layers import Dense

            def batches():
                while True:
                    x = np.random.rand(32, 8)
                    yield x, (x[:, 0] > 0.5).astype(int)

            model = Sequential([Dense(16, input_dim=8, activation="relu"), Dense(1, activation="sigmoid")])
            model.compile(optimizer="adam", loss="binary_crossentropy")
            model.fit(batches(), steps_per_epoch=8, epochs=10)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    keras2 = uses_keras2_package(program)
    if not keras2:
        yield from _imports(rule, ctx)
    # the imports (aliases) are the same whenever a call's findings are reused: so is `keras2`
    yield from ctx.each_call(rule, find_calls(program, SEARCH_NAMES, SEARCH_KEYWORDS),
                             lambda view: _call(rule, ctx, view, keras2))


def _call(rule: Rule, ctx: Context, view: CallView, keras2: bool) -> Iterator[Finding]:
    program = ctx.program
    q = view.qualname or ""
    func = view.node.func
    if q.startswith("keras.layers."):
        yield from _layer(rule, ctx, view)
    elif is_optimizer_call(view):
        if not is_legacy(view, program) and "lr" in view.kwargs:
            yield _rename(rule, ctx, view, view.kwargs["lr"], "learning_rate",
                          "Keras 3 optimizers have no lr=: use learning_rate")
    elif isinstance(func, cst.Attribute):
        method = func.attr.value
        if method in FIT_METHODS:
            for old, new in FIT_RENAMES.items():
                arg = view.kwargs.get(old)
                if arg is not None:
                    yield _rename(rule, ctx, view, arg, new, f"{method}() has no keyword {old} in Keras 3" +
                                  (f"; use {new}" if new else "; fit counts steps, not samples (steps_per_epoch)"))
        if method in METHOD_RENAMES and not keras2 and _is_model_method(program, view, method):
            new = METHOD_RENAMES[method]
            fix = None
            if new is not None:
                fix = Fix(f"Use {new}()", (ctx.replace(view.placed, func.attr, new),))
            hint = f"{new}() takes generators and datasets directly" if new else METHOD_HINT[method]
            yield rule.finding(ctx, view.placed, func.attr,
                               f"Model.{method}() does not exist in Keras 3; {hint}",
                               fix=fix, old=method, new=new)


def _imports(rule: Rule, ctx: Context) -> Iterator[Finding]:
    """from keras.layers.core import Dense -> from keras.layers import Dense;
    from keras.utils import np_utils -> from keras import utils as np_utils."""
    for stmt in ctx.program.stmts:
        raw = stmt.raw
        if raw.kind != "import":
            continue
        node = raw.node
        if not isinstance(node, cst.ImportFrom) or node.module is None or node.relative:
            continue
        full = module_name(node.module)
        root = next((r for r in KERAS_ROOTS if full.startswith(r)), None)
        if root is None:
            continue
        sub = full[len(root):]
        placed = stmt.placed
        if sub in OLD_SUBMODULES:
            new_module = root + OLD_SUBMODULES[sub]
            fix = Fix(f"Import from {new_module}", (ctx.replace(placed, node.module, new_module),))
            yield rule.finding(ctx, placed, node.module,
                               f"{full} does not exist in Keras 3 (ModuleNotFoundError); import from {new_module}",
                               fix=fix, old=full, new=new_module)
        elif sub == "utils" and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if module_name(alias.name) != "np_utils":
                    continue
                fix = None
                if len(node.names) == 1 and alias.asname is None:
                    fix = Fix("Import keras.utils as np_utils", (
                        ctx.replace(placed, node.module, root.rstrip(".")),
                        ctx.replace(placed, alias.name, "utils as np_utils")))
                yield rule.finding(ctx, placed, alias.name,
                                   f"{full}.np_utils does not exist in Keras 3 (ImportError); its functions "
                                   f"(to_categorical, normalize) are in {full}", fix=fix, old="np_utils", new="utils")


def _is_model_method(program: Program, view: CallView, method: str) -> bool:
    """fit_generator & co. are Keras' own names; predict_proba is also scikit-learn's, so it needs a known model."""
    if method.endswith("_generator"):
        return True
    func = view.node.func  # a method call: model.fit_generator(...)
    receiver = func.value if isinstance(func, cst.Attribute) else None
    return isinstance(receiver, cst.Name) and program.model_at(receiver.value, view.index) is not None


def _layer(rule: Rule, ctx: Context, view: CallView) -> Iterator[Finding]:
    name = view.name
    kwargs = view.kwargs
    for old, arg in kwargs.items():
        if old in LAYER_RENAMES:
            new = LAYER_RENAMES[old]
        elif old == "output_dim" and name in OUTPUT_DIM_LAYERS:
            new = "units"
        elif old == "p" and name in DROPOUT_LAYERS:
            new = "rate"
        elif old == "stride" and name in POOL_1D:
            new = "strides"
        else:
            continue
        if new is None:
            detail = {"dim_ordering": "use data_format='channels_last' ('tf') or 'channels_first' ('th')",
                      "nb_row": "use kernel_size=(rows, cols)", "nb_col": "use kernel_size=(rows, cols)",
                      "forget_bias_init": "use unit_forget_bias=True"}[old]
        else:
            detail = f"use {new}"
        yield _rename(rule, ctx, view, arg, new, f"{name}: the Keras 1 keyword {old} is rejected by Keras 3; {detail}")
    # Conv2D(32, 3, 3): Keras 1's nb_row, nb_col; Keras 3 reads the third number as strides
    if name in ("Conv2D", "Convolution2D"):
        pos = view.args
        k1, k2 = (pos[1].value, pos[2].value) if len(pos) >= 3 else (None, None)
        if isinstance(k1, cst.Integer) and isinstance(k2, cst.Integer) and "strides" not in kwargs \
                and "kernel_size" not in kwargs and (name == "Convolution2D" or (
                    k1.value == k2.value and k1.value in ("3", "5"))):
            # Conv2D(32, 3, 3) / (64, 5, 5): Keras 1 kernels; Conv2D(64, 2, 2) or (768, 16, 16) are real strides
            rows, cols = k1.value, k2.value
            start = view.placed.span(pos[1].value)
            end = view.placed.span(pos[2].value)
            edit = TextEdit(Span(start.line, start.column, end.end_line, end.end_column), f"({rows}, {cols})")
            yield rule.finding(
                ctx, view.placed, pos[2].value,
                f"{name}({view.code(pos[0].value)}, {rows}, {cols}): Keras 3 reads {cols} as strides, not the kernel; "
                f"use ({rows}, {cols})",
                fix=Fix(f"Use kernel_size ({rows}, {cols})", (edit,)), old="nb_row, nb_col", new="kernel_size")


def _rename(rule: Rule, ctx: Context, view: CallView, arg: cst.Arg, new: str | None, message: str) -> Finding:
    fix = None
    if new is not None and new not in view.kwargs and arg.keyword is not None:
        fix = Fix(f"Rename {arg.keyword.value} to {new}", (ctx.replace(view.placed, arg.keyword, new),))
    return rule.finding(ctx, view.placed, arg.keyword if arg.keyword is not None else arg.value, message, fix=fix,
                        old=arg.keyword.value if arg.keyword is not None else None, new=new)
