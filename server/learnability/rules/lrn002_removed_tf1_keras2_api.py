"""LRN002: TensorFlow 1 and Keras 2 APIs that TensorFlow 2 / Keras 3 no longer have (the script stops before fit)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.calls import find_calls
from learnability.analysis.names import last, module_name
from learnability.analysis.program import CompileInfo
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._optim import uses_keras2_package
from learnability.rules.base import Context, Invalid, Rule, Valid, register

# measured on TensorFlow 2.21 / Keras 3.15 (AttributeError on each, ValueError for a v1 optimizer in compile)
TF1_CALLS = {  # qualified name -> what to use
    "tensorflow.Session": "eager code (or tf.compat.v1.Session)",
    "tensorflow.InteractiveSession": "eager code (TensorFlow 2 runs operations at once)",
    "tensorflow.placeholder": "keras.Input",
    "tensorflow.global_variables_initializer": "nothing: TensorFlow 2 initialises variables when they are made",
    "tensorflow.get_default_session": "eager code",
    "tensorflow.keras.backend.get_session": "eager code; Keras 3 has no session",
    "keras.backend.get_session": "eager code; Keras 3 has no session",
    "keras.backend.set_session": "nothing: Keras 3 has no session",
    "tensorflow.keras.backend.set_session": "nothing: Keras 3 has no session",
}
TF1_OPTIMIZERS = {  # tf.train.*Optimizer / tf.compat.v1.train.*Optimizer -> Keras optimizer class
    "AdamOptimizer": "Adam", "GradientDescentOptimizer": "SGD", "RMSPropOptimizer": "RMSprop",
    "AdagradOptimizer": "Adagrad", "AdadeltaOptimizer": "Adadelta", "MomentumOptimizer": "SGD",
    "FtrlOptimizer": "Ftrl",
}
# Keras 2 modules and names that Keras 3 lacks (measured on Keras 3.15 / TensorFlow 2.21). `tensorflow.keras`
# (Keras 3's tf.keras view) still has preprocessing.image.ImageDataGenerator and preprocessing.text, so those
# are reported only under standalone `keras`; both lack wrappers.scikit_learn.
REMOVED_MODULES = {  # module -> (what to use, also under tensorflow.keras)
    "wrappers.scikit_learn": ("scikeras.wrappers", True),
    "preprocessing.text": ("keras.layers.TextVectorization", False),
}
REMOVED_NAMES = {  # (module, name) -> what to use (standalone keras only)
    ("preprocessing.image", "ImageDataGenerator"): "image_dataset_from_directory",
}
KERAS_ROOTS = ("keras.", "tensorflow.keras.")
SHAPE_ATTRS = frozenset({"input_shape", "output_shape"})


@register(
    id="LRN002",
    name="removed-tf1-keras2-api",
    category=Category.API,
    severity=Severity.WARNING,
    # measured (TensorFlow 2.21, Keras 3.15): tf.Session, tf.placeholder, keras.backend.get_session,
    # keras.preprocessing.image.ImageDataGenerator, Layer.input_shape/output_shape raise AttributeError;
    # compile(optimizer=tf.compat.v1.train.AdamOptimizer(0.01)) raises ValueError. An old environment
    # (TensorFlow 1, tf_keras) still runs them: warning.
    summary="TensorFlow 1 / Keras 2 API that TensorFlow 2 and Keras 3 removed (tf.Session, tf.placeholder, "
            "ImageDataGenerator, layer.output_shape, tf.train optimizers in compile)",
    rationale=(
        "Most Keras code online predates Keras 3. On TensorFlow 2 with Keras 3 these names raise AttributeError "
        "or ImportError, or compile rejects the optimizer, before a single step is trained: tf.Session, "
        "tf.placeholder and keras.backend.get_session (TensorFlow 2 runs eagerly), tf.train.*Optimizer / "
        "tf.compat.v1.train.*Optimizer passed to compile, keras.wrappers.scikit_learn, "
        "keras.preprocessing.image.ImageDataGenerator and keras.preprocessing.text, and Layer.input_shape / "
        "output_shape. Where the Keras 3 spelling is certain the fix writes it."
    ),
    fix="Use the Keras 3 spelling: keras.optimizers.Adam(learning_rate) for tf.train.AdamOptimizer(learning_rate) "
        "in compile, layer.output.shape / layer.input.shape for layer.output_shape / input_shape",
    covers=(
        "`tf.Session`, `tf.InteractiveSession`, `tf.placeholder`, `tf.global_variables_initializer`, "
        "`K.get_session` / `set_session`; `tf.train.*Optimizer` and `tf.compat.v1.train.*Optimizer` passed to "
        "`compile`; imports of `keras.wrappers.scikit_learn`, `keras.preprocessing.text`, "
        "`keras.preprocessing.image.ImageDataGenerator` (standalone keras: tf.keras keeps those two; "
        "`wrappers.scikit_learn` under both); `layer.input_shape` / "
        "`output_shape` on `model.layers[i]` or `model.get_layer(...)`. Files importing `tf_keras` are left alone"
    ),
    valid=[
        Valid("""
            import numpy as np
            import tensorflow as tf

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(16, activation="relu"),
                                         tf.keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
            print(model.layers[0].output.shape)
        """, note="Keras 3 spellings"),
        Valid("""
            from keras.preprocessing.image import load_img, img_to_array
            from tensorflow.keras.preprocessing.image import ImageDataGenerator

            image = img_to_array(load_img("cat.png", target_size=(224, 224)))
            datagen = ImageDataGenerator(rescale=1 / 255.0)
        """, note="Keras 3 keeps load_img/img_to_array there; tf.keras keeps ImageDataGenerator"),
        Valid("""
            import tf_keras as keras
            from tf_keras.preprocessing.image import ImageDataGenerator

            gen = ImageDataGenerator(rescale=1 / 255.0)
        """, note="tf_keras keeps Keras 2 alive"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import tensorflow as tf

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(16, activation="relu"),
                                         tf.keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=tf.train.AdamOptimizer(0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="Keras 3's compile rejects TensorFlow 1's tf.train.AdamOptimizer; use keras.optimizers.Adam", fixed="""
            import numpy as np
            import tensorflow as tf

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(16, activation="relu"),
                                         tf.keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=tf.keras.optimizers.Adam(0.001), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import tensorflow as tf

            x = tf.placeholder(tf.float32, [None, 784])
            sess = tf.Session()
        """, message="tf.placeholder does not exist in TensorFlow 2"),
        Invalid("""
            from keras.preprocessing.image import ImageDataGenerator

            datagen = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True)
        """, message="Keras 3 has no keras.preprocessing.image.ImageDataGenerator; use image_dataset_from_directory"),
        Invalid("""
            from keras.wrappers.scikit_learn import KerasClassifier
        """, message="keras.wrappers.scikit_learn does not exist in Keras 3"),
        Invalid("""
            import keras
            from keras import layers

            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            print(model.layers[0].output_shape)
        """, message="Keras 3 layers have no output_shape", fixed="""
            import keras
            from keras import layers

            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
            print(model.layers[0].output.shape)
        """),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    if uses_keras2_package(program):
        return
    yield from _imports(rule, ctx)
    names = {last(q) for q in TF1_CALLS} | set(TF1_OPTIMIZERS)
    for view in find_calls(program, names):
        q = view.qualname or ""
        if q in TF1_CALLS:
            lib = "Keras 3" if ".backend." in q else "TensorFlow 2"
            short = q.replace("tensorflow.", "tf.", 1)
            yield rule.finding(ctx, view.placed, view.node.func,
                               f"{short} does not exist in {lib}; use {TF1_CALLS[q]}",
                               old=q)
    for model in program.models:
        for c in model.compiles:
            opt = c.call.arg(0, "optimizer")
            if opt is None or not isinstance(opt.value, cst.Call):
                continue
            q = program.qualname(opt.value.func) or ""
            name = last(q)
            if name not in TF1_OPTIMIZERS or not (q.startswith("tensorflow.train.") or q.startswith("tensorflow.compat.v1.train.")):
                continue
            new = TF1_OPTIMIZERS[name]
            fix = _optimizer_fix(ctx, c, opt.value, new)
            short = q.replace("tensorflow.compat.v1.", "tf.compat.v1.", 1).replace("tensorflow.train.", "tf.train.", 1)
            yield rule.finding(ctx, c.call.placed, opt.value,
                               f"Keras 3's compile rejects TensorFlow 1's {short}; use keras.optimizers.{new}", fix=fix, old=q, new=new)
    yield from _shape_attributes(rule, ctx)


def _optimizer_fix(ctx: Context, compile_info: CompileInfo, call: cst.Call, new: str) -> Fix | None:
    """tf.train.AdamOptimizer(0.01) / (learning_rate=0.01) -> tf.keras.optimizers.Adam(0.01), and
    MomentumOptimizer(lr, m) -> SGD(learning_rate=lr, momentum=m): certain when those are the only arguments
    (TF 1's other arguments are spelt differently: beta1 vs beta_1, use_locking)."""
    args = list(call.args)
    code = cst.Module(body=[]).code_for_node
    root = call.func
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name) or any(a.star for a in args):
        return None
    func = f"{root.value}.keras.optimizers.{new}"
    if len(args) == 2 and new == "SGD" and all(a.keyword is None for a in args):
        text = f"{func}(learning_rate={code(args[0].value)}, momentum={code(args[1].value)})"
    elif not args:
        text = f"{func}()"
    elif len(args) == 1 and (args[0].keyword is None or args[0].keyword.value == "learning_rate"):
        text = f"{func}({code(args[0].value) if args[0].keyword is None else 'learning_rate=' + code(args[0].value)})"
    else:
        return None
    return Fix(f"Use keras.optimizers.{new}", (ctx.replace(compile_info.call.placed, call, text),))


def _imports(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for stmt in ctx.program.stmts:
        node = stmt.raw.node
        if stmt.kind != "import" or not isinstance(node, cst.ImportFrom) or node.module is None or node.relative:
            continue
        full = module_name(node.module)
        root = next((r for r in KERAS_ROOTS if full.startswith(r)), None)
        if root is None:
            continue
        sub = full[len(root):]
        placed = stmt.placed
        if sub in REMOVED_MODULES and (root == "keras." or REMOVED_MODULES[sub][1]):
            yield rule.finding(ctx, placed, node.module,
                               f"{full} does not exist in Keras 3; use {REMOVED_MODULES[sub][0]}",
                               old=full)
            continue
        if isinstance(node.names, cst.ImportStar) or root != "keras.":
            continue
        for alias in node.names:
            what = module_name(alias.name)
            if (sub, what) in REMOVED_NAMES:
                yield rule.finding(ctx, placed, alias.name,
                                   f"Keras 3 has no {full}.{what}; use {REMOVED_NAMES[(sub, what)]}",
                                   old=f"{full}.{what}")


class _ShapeAttrs(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Attribute] = []

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in SHAPE_ATTRS and _is_layer_expr(node.value):
            self.found.append(node)


def _is_layer_expr(node: cst.BaseExpression) -> bool:
    """model.layers[0], model.layers[-1], model.get_layer("dense")."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute) and node.value.attr.value == "layers":
        return True
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get_layer"


def _shape_attributes(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    if "_shape" not in program.source or not any(q.startswith(("keras", "tensorflow")) for q in program.aliases.values()):
        return
    seen: set[int] = set()
    for stmt in program.stmts:
        if stmt.kind == "import" or "_shape" not in stmt.placed.chunk.text or id(stmt.raw.node) in seen:
            continue
        seen.add(id(stmt.raw.node))
        visitor = _ShapeAttrs()
        stmt.raw.node.visit(visitor)
        for attr in visitor.found:
            new = "output.shape" if attr.attr.value == "output_shape" else "input.shape"
            # Keras 2's output_shape needed a called layer too, and gave the same tuple for a one-output layer
            fix = Fix(f"Use layer.{new}", (ctx.replace(stmt.placed, attr.attr, new),))
            yield rule.finding(ctx, stmt.placed, attr,
                               f"Keras 3 layers have no {attr.attr.value}; use layer.{new} (on a built model)", fix=fix,
                               old=attr.attr.value)
