"""The learnability probe: a short instrumented training that confirms or refutes each diagnosis.

`learnability probe FILE` (or `runner.run_probe`) runs the script in a worker process with `Model.fit`
intercepted. Scripts that train with `train_on_batch` or a custom `tf.GradientTape` loop never reach
`fit`; mark what to probe with the hook below, placed just before the training loop::

    import learnability.probe
    learnability.probe.target(model, x_train, y_train)          # compiled model
    learnability.probe.target(model, x, y, loss="binary_crossentropy", optimizer=opt)  # not compiled

Outside a probe the hook does nothing and returns None, so the script runs as usual. Under the probe it
stops the script there (like `fit`), and the probe measures that model on that data. Extra keyword
arguments: `batch_size`, `validation_data`, `validation_split`.

This module imports nothing heavy: the language server imports it.
"""

from __future__ import annotations

from typing import Any, Callable

_HOOK: Callable[..., None] | None = None  # set by the probe worker (harness.py)


def target(model: Any, x: Any, y: Any = None, **kwargs: Any) -> None:
    """Tell the probe which model and data to measure (for scripts that do not call `fit`)."""
    if _HOOK is not None:
        return _HOOK(model, x, y, **kwargs)
    return None


__all__ = ["target"]
