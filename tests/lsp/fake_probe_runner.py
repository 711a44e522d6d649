"""A stand-in for learnability.probe.runner.run_probe, selected in tests with
LEARNABILITY_PROBE_RUNNER=fake_probe_runner:run_probe. It follows the runner's contract without
training anything."""

from __future__ import annotations

import os
import time

from learnability.probe.report import short_result


def _line_of(source: str, needle: str) -> tuple[int, int, int]:
    for i, line in enumerate(source.splitlines(), 1):
        col = line.find(needle)
        if col >= 0:
            return i, col + 1, col + 1 + len(needle)
    return 1, 1, 2


def _lines_with(source: str, *needles: str) -> list[int]:
    return [i for i, line in enumerate(source.splitlines(), 1) if all(n in line for n in needles)]


def _span(source: str, line: int, needle: str) -> dict:
    text = source.splitlines()[line - 1]
    col = text.find(needle) + 1 if needle in text else len(text) - len(text.lstrip()) + 1
    end = col + len(needle) if needle in text else len(text.rstrip()) + 1
    return {"line": line, "column": col, "end_line": line, "end_column": end}


_CF_101 = ("as written it fits the batch in 26 steps; with the fix it fits it in 15 steps; training accuracy after "
           "40 steps 78% -> 97%; held-out accuracy 60% -> 48%; batch loss at step 15: 0.613 -> 1.03 (learns the "
           "training slice faster)")
_CF_501 = ("as written it fits the batch in 26 steps; with the fix it fits it in 83 steps; training accuracy after "
           "40 steps 78% -> 53%; held-out accuracy 60% -> 58%; batch loss at step 26: 0.519 -> 0.721 (makes it worse)")
_ALL = ("; with all the fixes together (LRN101, LRN501): fits it in 6 steps; training accuracy after 40 steps "
        "78% -> 97%; held-out accuracy 60% -> 48%; batch loss at step 6: 1.06 -> 0.585 (learns the training slice "
        "faster)")
_HELD = ("after 40 steps on 150 samples: training accuracy 78%, held-out accuracy 60% on 50 samples vs chance 58% "
         "(above chance would need > 69%)")


def article1_report(path: str, source: str) -> dict:
    """The report `learnability probe tests/fixtures/article1_sigmoid_scaled.py --format json` gives (trimmed of
    its measurements, evidence verbatim): the static findings it decides (rule LRNxxx, evidence starting with
    "confirmed:" / "not confirmed:" / "confirmed by measurement:") and probe findings (PRBxxx) whose `confirms`
    names static rules on the same lines."""
    convs = _lines_with(source, "Conv2D(", '"sigmoid"')
    (fit,) = _lines_with(source, ".fit(")

    def static(rule, line, needle, category, severity, message, evidence, confirmed, backing, how="", before=None,
               after=None):
        f = {"rule": rule, "category": category, "severity": severity, "path": path,
             **_span(source, line, needle), "message": message, "fixable": True, "source": "static",
             "evidence": evidence, "confirmed": confirmed, "confirms": [], "before": before or {}, "after": after or {},
             "confirmed_by": backing, "status": "confirmed" if confirmed else "not confirmed", "how": how}
        f["result"] = short_result(f)  # the real report's own words
        return f

    def probe(rule, name, line, category, severity, message, evidence, confirms):
        return {"rule": rule, "name": name, "category": category, "severity": severity, "path": path,
                **_span(source, line, source.splitlines()[line - 1].strip()), "message": message, "fixable": False,
                "source": "probe", "evidence": evidence, "confirmed": True, "confirms": confirms,
                "before": {}, "after": {}, "status": "confirmed", "result": ""}

    sig101 = "sigmoid in Conv2D saturates on inputs up to 100: use relu (and scale the inputs)"
    findings = [static("LRN101", line, '"sigmoid"', "activation", "warning", sig101,
                       "confirmed: " + _CF_101 + _ALL, True, ["PRB008"], "sufficient",
                       {"fitted": True, "steps_to_fit": 26}, {"fitted": True, "steps_to_fit": 15}) for line in convs]
    findings += [
        static("LRN501", fit, "X", "preprocessing", "warning",
               "inputs reach fit unscaled (values up to 100, made on line 6): divide by 100.0",
               "not confirmed: " + _CF_501 + _ALL + "; measured: inputs span 2.95e-04..100 (mean 50, std 28.9)",
               False, ["PRB008"], "", {"fitted": True, "steps_to_fit": 26}, {"fitted": True, "steps_to_fit": 83}),
        static("LRN602", fit, "y", "data", "info",
               "labels are drawn at random, independently of the inputs: the model can only memorise them",
               "confirmed by measurement: " + _HELD, True, ["PRB004"], "measured"),
        probe("PRB008", "saturated-activations", convs[0], "activation", "warning",
              "sigmoid layer conv2d is saturated: 82% of its outputs sit on the flat ends",
              "outputs beyond |pre-activation| 5: 82% at init, 82% after training on the batch; its gradient there "
              "is under 1% of the maximum", ["LRN101", "LRN501"]),
        probe("PRB004", "labels-not-predictable", fit, "data", "warning",
              "labels are not predictable from the inputs: held-out accuracy stays at chance", _HELD, ["LRN602"]),
    ]
    return {
        "version": 1, "file": path, "device": "CPU (x86_64, 2 cores)", "verdict": "learns_slowly",
        "summary": "It learns, slowly: in the same 40 steps, training accuracy 78% as written vs 97% with the fix "
                   "for LRN101. But held-out accuracy stays at chance (60% vs 58%): the labels are not predictable "
                   "from the inputs. All the fixes together (LRN101, LRN501) help: learns the training slice "
                   "faster. Confirmed: LRN101, LRN602. Not confirmed: LRN501.",
        "metrics": {"task": "binary", "classes": 2}, "layers": [], "curves": {}, "timing": {"total_s": 17.7},
        "findings": findings,
    }


def rate_fix_report(path: str, source: str) -> dict:
    """The shape of the real report's PRB007 for a script compiled with Adam(learning_rate=3.0): a probe-only
    finding on the compile line whose `fix` (from `report.literal_fix`) replaces the rate literal, and a PRB017
    whose fix sits on the fit line. Columns are 1-based code points on the program's lines."""
    (line,) = _lines_with(source, "learning_rate=3.0")
    col = source.splitlines()[line - 1].index("3.0") + 1
    (fit,) = _lines_with(source, ".fit(")
    ecol = source.splitlines()[fit - 1].index("epochs=1") + len("epochs=") + 1
    return {
        "version": 1, "file": path, "verdict": "does_not_learn", "summary": "learning rate 3 does not train it",
        "metrics": {}, "layers": [], "curves": {}, "timing": {"total_s": 0.1},
        "findings": [
            {"rule": "PRB007", "name": "learning-rate-that-works", "category": "learning_rate", "severity": "warning",
             **_span(source, line, "compile"), "message": "learning rate 3 does not train this model; 0.001 does",
             "evidence": "range test 1e-06..10: lowest loss near 0.01", "confirmed": True, "status": "sufficient",
             "confirms": [], "source": "probe", "fixable": True,
             "fix": {"title": "use learning rate 0.001", "safe": False,
                     "edits": [{"line": line, "column": col, "end_line": line, "end_column": col + 3,
                                "new_text": "0.001"}]}},
            {"rule": "PRB017", "name": "too-few-epochs", "category": "epochs", "severity": "warning",
             **_span(source, fit, "fit"), "message": "1 epoch stops it before it learns; about 12 are needed",
             "evidence": "at chance after 4 steps, 90% after 48", "confirmed": True, "confirms": [],
             "source": "probe", "fixable": True,
             "fix": {"title": "train for 12 epochs", "safe": False,
                     "edits": [{"line": fit, "column": ecol, "end_line": fit, "end_column": ecol + 1,
                                "new_text": "12"}]}},
        ],
    }


def keras2_report(path: str, source: str) -> dict:
    """A Keras 2 script (`nb_epoch=` at fit) fails before fit, and the report offers the ported probe (the shape
    report.build_report gives); the ported copy (no `nb_epoch`) learns, with a finding on its fit line."""
    (fit,) = _lines_with(source, ".fit(")
    where = _span(source, fit, ".fit(")
    if "nb_epoch" in source:
        text = ("the script failed before fit: TypeError: fit() got an unexpected keyword argument 'nb_epoch'. "
                f"LRN001 explains it; to probe a copy with the safe Keras 3 fixes applied: learnability probe --ported {path}")
        offer = {"rules": ["LRN001"], "fixes": ["Rename nb_epoch to epochs"], "command": f"learnability probe --ported {path}",
                 "lsp_command": "learnability.runProbe", "lsp_arguments": [{"ported": True}]}
        return {"version": 1, "file": path, "verdict": "error", "device": None, "summary": text, "metrics": {},
                "layers": [], "curves": {}, "timing": {}, "port": offer,
                "findings": [{"rule": "PRB090", "category": "api", "severity": "error", "path": path, **where,
                              "message": text, "fixable": False, "source": "probe", "evidence": "TypeError",
                              "confirmed": None, "confirms": ["LRN001"], "before": {}, "after": {},
                              "data": {"exception": "TypeError", "port": offer}}]}
    return {"version": 1, "file": path, "verdict": "learns", "device": "cpu", "summary": "fits the batch in 9 steps",
            "metrics": {}, "layers": [], "curves": {}, "timing": {},
            "findings": [{"rule": "PRB017", "category": "training", "severity": "info", "path": path, **where,
                          "message": "the ported copy trains", "fixable": False, "source": "probe",
                          "evidence": "measured: fits the batch in 9 steps", "confirmed": True, "confirms": [],
                          "before": {}, "after": {}}]}


def run_probe(path, *, source=None, python=None, budget_s=None, timeout_s=None, on_progress=None, cancel=None,
              config=None, editor_thresholds=frozenset()):
    """The runner's contract, including the rule thresholds it was given (`rule_thresholds`, as the runner
    reports them), so that tests see which settings reached the probe."""
    from learnability.probe.runner import thresholds_used

    report = _report(path, source, on_progress, cancel)
    report["rule_thresholds"] = thresholds_used(config, editor_thresholds)
    return report


def _report(path, source, on_progress, cancel):
    source = source if source is not None else open(path, encoding="utf-8").read()
    if os.environ.get("FAKE_PROBE_MODE") == "keras2":
        return keras2_report(path, source)
    if os.environ.get("FAKE_PROBE_MODE") == "article1":
        if on_progress:
            on_progress(0.5, "training")
        return article1_report(path, source)
    if os.environ.get("FAKE_PROBE_MODE") == "rate_fix":
        return rate_fix_report(path, source)
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
    x_line = _line_of(source, "X = ")[0]
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
             "end_line": fit_line, "end_column": fit_end, "message": f"the loss barely moves: the inputs made on line {x_line} are large",
             "evidence": f"loss 0.693 -> 0.688 over 5 epochs; the inputs made on line {x_line} span 0..100",
             "confirmed": None, "confirms": []},
        ],
        "curves": {}, "timing": {"total_s": 0.1},
    }
