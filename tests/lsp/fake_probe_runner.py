"""A stand-in for learnability.probe.runner.run_probe, selected in tests with
LEARNABILITY_PROBE_RUNNER=fake_probe_runner:run_probe. It follows the runner's contract without
training anything."""

from __future__ import annotations

import os
import time


def _line_of(source: str, needle: str) -> tuple[int, int, int]:
    for i, line in enumerate(source.splitlines(), 1):
        col = line.find(needle)
        if col >= 0:
            return i, col + 1, col + 1 + len(needle)
    return 1, 1, 2


def run_probe(path, *, source=None, python=None, budget_s=None, timeout_s=None, on_progress=None, cancel=None):
    source = source if source is not None else open(path, encoding="utf-8").read()
    if os.environ.get("FAKE_PROBE_MODE") == "slow":
        start = time.monotonic()
        i = 0
        while not (cancel is not None and cancel.is_set()) and time.monotonic() - start < 30:
            i += 1
            if on_progress:
                on_progress(min(0.9, i / 100), f"epoch {i}")
            time.sleep(0.05)
        return {"version": 1, "file": path, "verdict": "inconclusive", "summary": "cancelled", "findings": []}
    for frac, msg in ((0.1, "building the model"), (0.5, "training"), (0.9, "measuring gradients")):
        if on_progress:
            on_progress(frac, msg)
        time.sleep(0.02)
    sig_line, sig_col, sig_end = _line_of(source, '"sigmoid"')
    fit_line, fit_col, fit_end = _line_of(source, ".fit(")
    return {
        "version": 1, "file": path, "verdict": "learns_slowly", "device": "cpu",
        "summary": "train accuracy 0.55 after 5 epochs (chance 0.50)",
        "metrics": {"train_accuracy": 0.55}, "layers": [{"name": "conv2d", "kind": "Conv2D", "line": sig_line,
                                                         "grad_norm": 3.1e-06}],
        "findings": [
            {"rule": "LRN101", "category": "activation", "severity": "warning", "line": sig_line, "column": sig_col,
             "end_line": sig_line, "end_column": sig_end, "message": "gradients vanish in the sigmoid convolutions",
             "evidence": "grad norm of conv2d/kernel 3.1e-06 vs 2.4e-02 for dense/kernel", "confirmed": True,
             "confirms": ["LRN101"]},
            {"rule": "PRB001", "category": "learning_rate", "severity": "info", "line": fit_line, "column": fit_col,
             "end_line": fit_line, "end_column": fit_end, "message": "the loss barely moves",
             "evidence": "loss 0.693 -> 0.688 over 5 epochs", "confirmed": None, "confirms": []},
        ],
        "curves": {}, "timing": {"total_s": 0.1},
    }
