"""LRN401: optimizer arguments Keras 3 removed (`decay`): the schedule the code asks for never happens."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from learnability.analysis.data import describe
from learnability.analysis.program import OPTIMIZER_DEFAULT_LR, CallView, Program
from learnability.analysis.semantic import NOTHING
from learnability.findings import Category, Finding, Fix, Severity
from learnability.rules._optim import is_legacy, optimizer_calls, optimizers_prefix, without_arg
from learnability.rules.base import Context, Invalid, Rule, Valid, register


@register(
    id="LRN401",
    name="optimizer-decay-removed",
    category=Category.OPTIMIZER,
    severity=Severity.WARNING,
    # scripts/measure_rule_claims.py more: Keras 3.15 warns 'Argument `decay` is no longer supported and will be
    # ignored' and trains without decay: the intent is lost, learning is not stopped (warning).
    summary="Optimizer `decay=` argument: Keras 3 ignores it, so the rate never decays",
    rationale=(
        "Keras 2 optimizers took decay=d and used learning_rate / (1 + d * iterations). Keras 3 optimizers "
        "drop the argument with a UserWarning: the rate stays constant, so a run tuned to rely on the decay "
        "keeps its large early steps and oscillates late in training. The same schedule in Keras 3 is "
        "keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=d)."
    ),
    fix="Pass learning_rate=InverseTimeDecay(lr, decay_steps=1, decay_rate=decay) and drop decay (or just drop decay=0).",
    covers="`decay=` on a Keras 3 optimizer: dropped with a warning, the rate never decays",
    severity_note="info for `decay=0`, and when decay x training steps is under 0.01 (the rate changed by under 1%)",
    valid=[
        Valid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            schedule = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-4)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="the decay as a learning-rate schedule"),
        Valid("""
            import numpy as np
            import tensorflow as tf

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu", input_shape=(8,)),
                                         tf.keras.layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=tf.keras.optimizers.legacy.Adam(learning_rate=0.01, decay=1e-4),
                          loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, note="legacy optimizers still implement decay="),
    ],
    invalid=[
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, decay=1e-2), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="decay=0.01 is ignored by Keras 3, so the rate never decays: use InverseTimeDecay", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-2)), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, decay=0.0), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, message="decay=0 is a Keras 2 argument", fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(256, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy")
            model.fit(x, y, epochs=10)
        """, severity=Severity.INFO),
        Invalid("""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(1000, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, decay=1e-6), loss="binary_crossentropy")
            model.fit(x, y, epochs=20, batch_size=32)
        """, message="decay=1e-06 is ignored by Keras 3, and changed the rate under 1% in 640 steps: remove it", severity=Severity.INFO, fixed="""
            import numpy as np
            import keras
            from keras import layers

            x = np.random.rand(1000, 8)
            y = (x[:, 0] > 0.5).astype(int)
            model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6)), loss="binary_crossentropy")
            model.fit(x, y, epochs=20, batch_size=32)
        """, note="decay x steps = 0.00064: the decay never mattered"),
    ],
)
def check(rule: Rule, ctx: Context) -> Iterator[Finding]:
    program = ctx.program
    for view in optimizer_calls(program):
        decay = view.kwargs.get("decay")
        if decay is None or is_legacy(view, program):
            continue
        value = program.const(decay, view.index)
        call = view.node
        fix = None
        if value is None or value == 0:
            fix = Fix("Remove decay (it does nothing)", (ctx.replace(view.placed, call, without_arg(call, decay)),))
        else:
            prefix = optimizers_prefix(program)
            lr_arg = view.arg(0, "learning_rate", "lr")
            lr_value = lr_arg.value if lr_arg is not None else None
            is_schedule = isinstance(lr_value, cst.Call) or (
                lr_value is not None and program.const(lr_value, view.index) is NOTHING
                and program.resolve_call(lr_value, view.index) is not None)
            if prefix is not None and not is_schedule:
                if lr_value is not None:
                    lr_text = view.code(lr_value)
                else:
                    lr_text = repr(OPTIMIZER_DEFAULT_LR.get(view.name.lower(), 0.001))
                sched = cst.parse_expression(
                    f"{prefix}schedules.InverseTimeDecay({lr_text}, decay_steps=1, decay_rate={view.code(decay.value)})")
                new = call
                if lr_arg is not None:
                    new_lr = lr_arg.with_changes(value=sched)
                    if lr_arg.keyword is not None and lr_arg.keyword.value == "lr":
                        new_lr = new_lr.with_changes(keyword=cst.Name("learning_rate"))
                    new = without_arg(call.with_changes(args=[new_lr if a is lr_arg else a for a in call.args]), decay)
                else:
                    new = without_arg(call, decay)
                    first = cst.Arg(keyword=cst.Name("learning_rate"), value=sched,
                                    equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
                                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if new.args else cst.MaybeSentinel.DEFAULT)
                    new = new.with_changes(args=[first, *new.args])
                fix = Fix("Use an InverseTimeDecay schedule instead of decay", (ctx.replace(view.placed, call, new),))
        shown = f"{value:g}" if isinstance(value, (int, float)) else view.code(decay.value)
        if value is None or value == 0:
            yield rule.finding(ctx, view.placed, decay,
                               f"decay={shown} is a Keras 2 argument that Keras 3 ignores: remove it", fix=fix, severity=Severity.INFO, optimizer=view.name)
            continue
        steps = _training_steps(program, view)
        if isinstance(value, (int, float)) and steps is not None and value * steps < 0.01:
            # lr / (1 + decay * steps): under 1 % lower at the end of training; dropping it changes nothing
            yield rule.finding(
                ctx, view.placed, decay,
                f"decay={shown} is ignored by Keras 3, and changed the rate under 1% in {steps} steps: remove it",
                fix=fix, severity=Severity.INFO, optimizer=view.name, steps=steps)
            continue
        yield rule.finding(
            ctx, view.placed, decay,
            f"decay={shown} is ignored by Keras 3, so the rate never decays: use InverseTimeDecay",
            fix=fix, optimizer=view.name, steps=steps,
        )


def _training_steps(program: Program, view: CallView) -> int | None:
    """The optimizer steps of every fit of the models compiled with this optimizer call: epochs x
    ceil(samples / batch_size) (or steps_per_epoch); None when any of it is not known."""
    total = 0
    found = False
    for model in program.models:
        for c in model.compiles:
            opt = c.optimizer
            if opt is None or not (opt.node is view.node or (opt.call is not None and opt.call.node is view.node)):
                continue
            for fit in c.fits:
                found = True
                epochs = fit.epochs if fit.epochs is not NOTHING else 1
                if not isinstance(epochs, int):
                    return None
                spe_arg = fit.call.arg(None, "steps_per_epoch")
                if spe_arg is not None:
                    per_epoch = program.const(spe_arg, fit.call.index)
                else:
                    batch = fit.batch_size if fit.batch_size is not NOTHING and fit.batch_size is not None else 32
                    n = describe(program, fit.x, fit.call.index).n_samples if fit.x is not None else None
                    per_epoch = -(-n // batch) if isinstance(n, int) and isinstance(batch, int) and batch > 0 else None
                if not isinstance(per_epoch, int):
                    return None
                total += epochs * per_epoch
    return total if found else None
