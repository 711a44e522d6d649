"""LRN301: a learning rate above what the optimizer tolerates on this architecture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypedDict

import libcst as cst

from learnability.analysis.program import ACTIVATION_LAYERS, ModelInfo, OptimizerInfo, Program
from learnability.findings import Category, Finding, Severity
from learnability.rules._helpers import PREPROCESSING_LAYERS, number_text
from learnability.rules._optim import family, optimizers, rate_anchor, rate_fix, rate_sweep
from learnability.rules.base import Context, Invalid, Rule, Valid, register

SAFE_RATE: dict[str | None, float] = {"sgd": 0.01, "adadelta": 1.0, "adagrad": 0.01, "ftrl": 0.01}
DEFAULT_SAFE = 1e-3


class _RateData(TypedDict):
    """The finding's data (what `--format json` and the editor see)."""
    learning_rate: float
    suggested: float
    optimizer: str
    architecture: str | None
LIMIT_KEY: dict[str | None, str] = {"sgd": "lr_max_sgd", "adadelta": "lr_max_adadelta", "adagrad": "lr_max_adagrad", "ftrl": "lr_max_adagrad"}
# The highest rate that trained on every seed, by architecture and optimizer (`scripts/measure_rule_claims.py lr`:
# Keras 3.15, TensorFlow 2.21 CPU; 2 seeds, 15 epochs of 512 standardised samples; "trained" = final loss at most
# half that of the best constant prediction; rates 1e-3, 1e-2, 0.03, 0.1, 0.3, 1). Measured:
#   no hidden layer (linear / logistic regression): Adam 1.0 (all), plain SGD 0.3 (fails at 1), momentum 0.1
#   one hidden layer:                               Adam 0.1 (fails at 0.3), plain SGD 1.0 (all), momentum 0.1
#   four hidden layers:                             Adam 0.03 (fails at 0.1), plain SGD 1.0 (all), momentum 0.1
#   small CNN (easy task):                          Adam 0.3 (fails at 1)
# Deep networks' tolerance depends on the task (the probe measured the article's CNN dead at Adam 0.1: 94% of
# its conv units dead, loss at chance), so for them the limit is the threshold lr_max_adaptive (1e-2). None: the
# threshold. A ceiling at TOP trained at every measured rate: above it nothing was measured (information).
CEILING: dict[str, dict[str, float | None]] = {
    "linear": {"adaptive": 1.0, "sgd": 0.3, "momentum": 0.1},
    "shallow": {"adaptive": 0.1, "sgd": 1.0, "momentum": 0.1},
    "deep": {"adaptive": None, "sgd": 1.0, "momentum": 0.1},
}
TOP = 1.0
ARCH_TEXT = {"linear": "no hidden layer", "shallow": "one hidden layer",
             "deep": "a deep network"}
# layers that neither add depth nor make the model something else than a stack of Dense layers
_FLAT = frozenset({"Input", "InputLayer", "Flatten", "Dropout", "Activation", "Reshape"}) | PREPROCESSING_LAYERS \
    | frozenset(ACTIVATION_LAYERS)
# callbacks that set the rate themselves (a schedule, a learning-rate range test)
RATE_CALLBACKS = ("LearningRateScheduler", "LRFinder", "LrFinder", "LRRangeTest", "lr_finder")


def architecture(model: ModelInfo) -> str | None:
    """'linear' (one Dense layer: linear / logistic regression), 'shallow' (one hidden Dense layer), 'deep'
    (more, or any conv / recurrent / embedding layer); None when a layer is unknown."""
    if model.opaque or not model.layers:
        return None
    dense = 0
    for layer in model.layers:
        if layer.kind == "Dense":
            dense += 1
        elif layer.kind not in _FLAT:
            return "deep"
    return {0: None, 1: "linear", 2: "shallow"}.get(dense, "deep")


def _models_of(program: Program, opt: OptimizerInfo) -> list[ModelInfo]:
    return [m for m in program.models if m.compile is not None and m.compile.optimizer is not None
            and m.compile.optimizer.node is opt.node]


def _momentum(program: Program, opt: OptimizerInfo) -> float:
    if opt.call is None:
        return 0.0
    arg = opt.call.arg(1, "momentum")
    value = program.const(arg, opt.index) if arg is not None else 0.0
    return float(value) if isinstance(value, (int, float)) else 0.5  # unknown: treat as momentum


def _rate_callback(program: Program, model: ModelInfo) -> bool:
    """A fit of the model passes a callback that sets the rate (callbacks=[LearningRateScheduler(...)] or a
    name bound to one)."""
    for fit in model.fits:
        arg = fit.call.arg(None, "callbacks")
        if arg is None:
            continue
        values = [arg.value]
        if isinstance(arg.value, (cst.List, cst.Tuple)):
            values = [el.value for el in arg.value.elements]
        for value in values:
            if isinstance(value, cst.Name):
                bound, _stmt = program.value_of(value.value, fit.call.index)
                value = bound if bound is not None else value
            text = cst.Module(body=[]).code_for_node(value)
            if any(name in text for name in RATE_CALLBACKS):
                return True
    return False


@register(
    id="LRN301",
    name="learning-rate-too-high",
    category=Category.LEARNING_RATE,
    severity=Severity.WARNING,
    summary="Learning rate above what the optimizer tolerates on this architecture",
    rationale=(
        "Each step moves the weights by about learning_rate times the (normalised) gradient. How large a step "
        "a model survives depends on what is trained. Measured on Keras 3 (scripts/measure_rule_claims.py lr, "
        "2 seeds): a model with no hidden layer (linear or logistic regression) trained with Adam at every rate "
        "up to 1.0 and with plain SGD up to 0.3; a network with one hidden layer with Adam up to 0.1 and plain "
        "SGD up to 1.0; four hidden layers with Adam only up to 0.03; SGD with momentum 0.9 failed above 0.1 on "
        "all of them. On deep networks a rate of 0.1 with Adam kills ReLUs and leaves the model at chance (the "
        "probe on the article's CNN: 94% of the conv units dead, loss 0.693). So the rule warns above the "
        "measured ceiling of the model's architecture (deep networks: lr_max_adaptive, lr_max_sgd), and only "
        "informs when the rate is chosen by a schedule or a callback (LearningRateScheduler, an LR finder), when "
        "the trained model is not known, or when the architecture trained at every measured rate (plain SGD on "
        "hidden-layer networks). Thresholds: lr_max_adaptive, lr_max_sgd, lr_max_adadelta, lr_max_adagrad."
    ),
    fix="Set the rate to the optimizer's usual default (1e-3 for adaptive optimizers, 1e-2 for SGD).",
    covers=(
        "Learning rate above the ceiling measured for the model's architecture (no hidden layer: Adam 1.0, "
        "SGD 0.3; one hidden layer: Adam 0.1, SGD 1.0; momentum 0.1) or, for deep networks, above "
        "`lr_max_adaptive` (1e-2; Adam, RMSprop, ...), `lr_max_sgd` (0.1, with momentum), `lr_max_adagrad` (0.5; "
        "Adagrad, Ftrl) or `lr_max_adadelta` (1.0): `learning_rate=`, `lr=`, positional, module constants, a "
        "schedule's initial rate, `legacy.*`, `tf.compat.v1.train.*`, optimizers outside `compile`"
    ),
    severity_note=("info for a schedule's or callback's rate, an unknown model, or plain SGD above every "
                   "measured rate"),
    valid=[
        Valid("""
            import numpy as np
            import tensorflow as tf

            x = np.random.randn(512, 9)
            y = x @ np.arange(9.0) + 0.1 * np.random.randn(512)
            normalizer = tf.keras.layers.Normalization(input_shape=[9], axis=-1)
            normalizer.adapt(x)
            linear_model = tf.keras.Sequential([normalizer, tf.keras.layers.Dense(units=1)])
            linear_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
            linear_model.fit(x, y, epochs=100, validation_split=0.2)
        """, note="linear regression (no hidden layer) with Adam at 0.1: it trained at rates up to 1.0 (measured)"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
            model.fit(x, y, epochs=20)
        """, note="plain SGD at 0.5 on a network with one hidden layer: it trained at rates up to 1.0 (measured)"),
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            for lr in [1e-4, 1e-3, 1e-2, 1e-1]:
                model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                          layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
                model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="binary_crossentropy")
                model.fit(x, y, epochs=5)
        """, note="a sweep over rates (a hand-made learning-rate range test)"),
        Valid("""
            import numpy as np
            import tensorflow as tf

            x = np.random.rand(1000, 2)
            y = (x[:, 0] ** 2 + x[:, 1] ** 2 < 0.5).astype(int)

            def build():
                return tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu"),
                                            tf.keras.layers.Dense(4, activation="relu"),
                                            tf.keras.layers.Dense(1, activation="sigmoid")])

            finder = build()
            finder.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
            lr_scheduler = tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-4 * 10 ** (epoch / 20))
            finder.fit(x, y, epochs=100, callbacks=[lr_scheduler])

            model = build()
            model.compile(loss="binary_crossentropy", optimizer=tf.keras.optimizers.Adam(learning_rate=0.02),
                          metrics=["accuracy"])
            model.fit(x, y, epochs=20)
        """, note="a rate read off the program's own learning-rate finder (corpus: a course notebook's Adam 0.02)"),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            X = np.random.rand(200, 32, 32, 3)
            y = (X.mean(axis=(1, 2, 3)) > 0.5).astype(int)
            model = keras.Sequential([
                layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
                layers.MaxPooling2D((2, 2)),
                layers.Conv2D(64, (3, 3), activation="relu"),
                layers.Flatten(),
                layers.Dense(1, activation="sigmoid"),
            ])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="binary_crossentropy")
            model.fit(X, y, epochs=5, batch_size=32)
        """, message="learning rate 0.1 is above 0.01 for Adam (a deep network): try 0.001", fixed="""
            import numpy as np
            from tensorflow import keras
            from tensorflow.keras import layers

            X = np.random.rand(200, 32, 32, 3)
            y = (X.mean(axis=(1, 2, 3)) > 0.5).astype(int)
            model = keras.Sequential([
                layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)),
                layers.MaxPooling2D((2, 2)),
                layers.Conv2D(64, (3, 3), activation="relu"),
                layers.Flatten(),
                layers.Dense(1, activation="sigmoid"),
            ])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy")
            model.fit(X, y, epochs=5, batch_size=32)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=2.0), loss="mse")
            model.fit(x, y, epochs=20)
        """, message="learning rate 2 is above 0.3, the highest SGD trained at (no hidden layer): try 0.01", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
            model.fit(x, y, epochs=20)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=5.0), loss="mse")
            model.fit(x, y, epochs=20)
        """, message="learning rate 5 is above 1 for Adam (the highest rate measured): try 0.001", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = x @ np.arange(8.0)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
            model.fit(x, y, epochs=20)
        """, severity=Severity.INFO),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5, momentum=0.9), loss="binary_crossentropy")
            model.fit(x, y, epochs=20)
        """, message="learning rate 0.5 is above 0.1 for SGD with momentum (one hidden layer): try 0.01", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(32, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9), loss="binary_crossentropy")
            model.fit(x, y, epochs=20)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            schedule = keras.optimizers.schedules.ExponentialDecay(0.5, decay_steps=100, decay_rate=0.5)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="binary_crossentropy")
            model.fit(x, y, epochs=20)
        """, message="learning rate 0.5 is above 0.01 for Adam (initial rate of ExponentialDecay): try 0.001", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            schedule = keras.optimizers.schedules.ExponentialDecay(0.001, decay_steps=100, decay_rate=0.5)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="binary_crossentropy")
            model.fit(x, y, epochs=20)
        """, severity=Severity.INFO),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="binary_crossentropy")
            warmup = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 1e-3 * (epoch + 1))
            model.fit(x, y, epochs=20, callbacks=[warmup])
        """, message="learning rate 0.1 is above 0.01 for Adam (set by a callback): try 0.001", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.randn(512, 8)
            y = (x[:, 0] * x[:, 1] > 0).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(64, activation="relu"),
                                      layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy")
            warmup = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 1e-3 * (epoch + 1))
            model.fit(x, y, epochs=20, callbacks=[warmup])
        """, severity=Severity.INFO),
        Invalid("""
            import tensorflow as tf

            generator = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(784)])
            optimizer = tf.keras.optimizers.Adam(learning_rate=0.2)

            @tf.function
            def train_step(noise, images):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((generator(noise) - images) ** 2)
                grads = tape.gradient(loss, generator.trainable_variables)
                optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        """, message="learning rate 0.2 is above 0.01 for Adam (model not known): try 0.001", fixed="""
            import tensorflow as tf

            generator = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(784)])
            optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)

            @tf.function
            def train_step(noise, images):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean((generator(noise) - images) ** 2)
                grads = tape.gradient(loss, generator.trainable_variables)
                optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        """, severity=Severity.INFO),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    rates: dict[int, set[float]] = {}
    for opt in optimizers(program):
        if opt.learning_rate is not None:
            rates.setdefault(id(opt.node), set()).add(opt.learning_rate)
    for opt in optimizers(program):
        fam = family(opt.kind)
        rates_here = rates.get(id(opt.node), set())
        if len(rates_here) >= 3 and min(rates_here) <= ctx.config.threshold(LIMIT_KEY.get(fam, "lr_max_adaptive")):
            continue  # one constructor built with 3+ rates (a loop over rates, a builder per rate): a deliberate sweep
        if fam is None or opt.lr_default or opt.learning_rate is None:
            continue
        lr = opt.learning_rate
        limit = ctx.config.threshold(LIMIT_KEY.get(fam, "lr_max_adaptive"))
        if lr <= limit:
            continue
        models = _models_of(program, opt)
        archs = {architecture(m) for m in models}
        arch = archs.pop() if len(archs) == 1 else None
        kind: str | None
        if fam == "sgd":
            kind = "momentum" if _momentum(program, opt) > 0 else "sgd"
        else:
            kind = None if fam in LIMIT_KEY else "adaptive"  # Adagrad / Adadelta / Ftrl: not measured
        name = (opt.call.name if opt.call is not None else opt.kind) + (" with momentum" if kind == "momentum" else "")
        safe = SAFE_RATE.get(fam, DEFAULT_SAFE)
        fix = rate_fix(ctx, opt, safe)
        anchor = rate_anchor(opt)
        data = _RateData(learning_rate=lr, suggested=safe, optimizer=opt.kind, architecture=arch)
        measured = CEILING[arch][kind] if arch is not None and kind is not None else None
        ceiling = max(limit, measured) if measured is not None else limit
        if lr <= ceiling:
            continue  # measured: this architecture trains at this rate with this optimizer
        if rate_sweep(program, opt.index) is not None:
            continue  # the rate was read off the program's own learning-rate sweep: it suits this model and data
        lr_node = opt.lr_arg.value if opt.lr_arg is not None else None
        if isinstance(lr_node, cst.Name) and program.loop_variable(lr_node.value, opt.index) > 1:
            continue  # one iteration of a loop over several rates: a hand-made sweep, the high rate is deliberate
        chosen = opt.schedule is not None or any(_rate_callback(program, m) for m in models)
        if chosen or arch is None or ceiling >= TOP:
            why = (f"initial rate of {opt.schedule}" if opt.schedule else "set by a callback" if chosen
                   else "model not known" if arch is None else "the highest rate measured")
            yield rule.finding(
                ctx, opt.placed, anchor,
                f"learning rate {lr:g} is above {ceiling:g} for {name} ({why}): try {number_text(safe)}",
                fix=fix, severity=Severity.INFO, **data)
        elif measured is not None and measured > limit:
            yield rule.finding(
                ctx, opt.placed, anchor,
                f"learning rate {lr:g} is above {ceiling:g}, the highest {name} trained at ({ARCH_TEXT[arch]}): "
                f"try {number_text(safe)}",
                fix=fix, **data)
        else:
            yield rule.finding(
                ctx, opt.placed, anchor,
                f"learning rate {lr:g} is above {ceiling:g} for {name} ({ARCH_TEXT[arch]}): try {number_text(safe)}",
                fix=fix, **data)
