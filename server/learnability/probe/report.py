"""From the worker's measurements to the probe report: probe findings, confirmation, verdict, text, plots.

All the policy (thresholds, what counts as an improvement) lives here, in the parent; the worker only
measures. Thresholds are starting points from ../shared/notes/literature.md, gathered in THRESHOLDS.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

from learnability.findings import Finding
from learnability.lines import split_lines
from learnability.probe import messages as msgs
from learnability.probe import plan as _plan
from learnability.probe import port as _port
from learnability.probe import record as _record
from learnability.probe.checks import PROBE_CHECKS, Hit

Json = dict[str, Any]  # JSON data as the worker sends it and the report holds it

VERSION = msgs.REPORT_VERSION  # the report's shape: msgs.ProbeReport (schemas/probe-report.schema.json)

THRESHOLDS: dict[str, float] = {
    "fit_accuracy": 0.95,  # fit-one-batch target (TheDeepChecker)
    "speedup": 1.5,  # a fix "measurably speeds" fitting when it needs this many times fewer steps ...
    "min_step_gain": 3,  # ... and at least this many steps fewer
    "slow_speedup": 2.0,  # verdict "learns slowly" when a confirmed fix fits this many times faster ...
    "slow_train_gain": 0.15,  # ... or reaches this much more training accuracy in the same steps
    "loss_gain": 0.8,  # neither run fits: the fix must bring the loss at step K to <= 80% of as written
    "learning_loss_drop": 0.8,  # "the loss falls": smoothed minimum <= 80% of the initial loss
    "vanish_ratio": 1e-3,  # first layer's gradient norm below 1e-3 of the last layer's (AutoTrainer)
    "vanish_abs": 1e-4,  # ... and below 1e-4 in absolute terms
    "dead_fraction": 0.7,  # a ReLU layer with >= 70% of its units dead (DeepDiagnosis, AutoTrainer) ...
    "dead_growth": 0.2,  # ... that died during training (+20 points), or dead from the start (> 90%)
    "saturation": 0.5,  # more than half of a sigmoid/tanh layer's outputs saturated
    "init_loss_factor": 3.0,  # loss at init above 3 x -log(1/C)
    "explode_loss": 1e3,  # exploding: the loss reaches 1e3 from an initial loss below 10 (AutoTrainer) ...
    "explode_grad": 1e6,  # ... or a layer's gradient norm exceeds 1e6 (TheDeepChecker's bound on gradients)
    "balance": 0.5,  # normalised perplexity of the labels below this: imbalanced
    "constant_features": 0.5,
    "confidence_z": 1.96,  # binomial (Wilson) interval on training accuracy vs chance
    "regression_learned": 0.05,  # regression: training R² above this counts as learning something
    "steady_drop": 0.95,  # "still falling steadily": last third of the loss curve <= 95% of the middle third
    "dead_verdict": 0.9,  # a ReLU layer this dead (not fitting the batch) means it does not learn
}


wilson_low = _plan.wilson_low
# the numbers, words and reductions the checks use too: one definition, in probe.record
above_chance = _record.above_chance
collapsed = _record.collapsed
_fmt, _pct, _round = _record.fmt, _record.pct, _record.round4
_smooth_at = _record.smooth_at
steady_fall = _record.steady_fall


PROBE_RULES: dict[str, tuple[str, str, str]] = {c.id: (c.name, c.category, c.severity) for c in PROBE_CHECKS.values()}

# What each threshold may be set to in [tool.learnability.probe.thresholds]: above 0 and at most this.
THRESHOLD_MAX: dict[str, float] = {
    **{name: 1.0 for name in ("fit_accuracy", "slow_train_gain", "loss_gain", "learning_loss_drop", "dead_fraction",
                              "dead_growth", "saturation", "balance", "constant_features", "vanish_ratio")},  # fractions
    **{name: 1e3 for name in ("speedup", "slow_speedup", "init_loss_factor")},  # ratios
    "min_step_gain": 1e5,  # steps
    "vanish_abs": 1e3,  # a gradient norm
    "explode_loss": 1e30,
    "explode_grad": 1e30,
    "confidence_z": 10.0,  # a z-score
    "regression_learned": 1.0,  # an R²
    "steady_drop": 1.0,  # a ratio of losses
    "dead_verdict": 1.0,  # a fraction
}


# which static rules a probe measurement supports
SUPPORTS: dict[str, list[str]] = {
    "PRB006": ["LRN601"],
    "PRB004": ["LRN602"],
    "PRB002": ["LRN101"],
    "PRB008": ["LRN101", "LRN501"],
    "PRB009": ["LRN501"],
    "PRB005": ["LRN301"],
    "PRB007": ["LRN301"],
    "PRB003": ["LRN301"],
    "PRB011": ["LRN604", "LRN202", "LRN201", "LRN205"],
    "PRB014": ["LRN604"],
    "PRB015": ["LRN103"],
    "PRB017": ["LRN901"],
}
# which static rules a working repair (PRB018) supports
REPAIR_SUPPORTS: dict[str, list[str]] = {"lr_x10": ["LRN302"], "lr_div10": ["LRN301"], "std_x": ["LRN501"],
                                         "relu_he": ["LRN101"], "adam": ["LRN402"]}


# ----------------------------------------------------------------------------- helpers


def _span(source: str, where: Json | None) -> dict[str, int]:
    lines = split_lines(source)
    line = int((where or {}).get("line") or 1)
    line = min(max(line, 1), max(len(lines), 1))
    text = lines[line - 1] if lines else ""
    if where and where.get("column") and where.get("end_line"):
        return {"line": line, "column": int(where["column"]), "end_line": int(where["end_line"]),
                "end_column": int(where["end_column"])}
    start = len(text) - len(text.lstrip())
    return {"line": line, "column": start + 1, "end_line": line, "end_column": len(text.rstrip()) + 1}


def _finding(rule: str, path: str, source: str, where: Json | None, message: str, evidence: str, *,
             confirmed: bool | None = None, confirms: list[str] | None = None, before: Json | None = None,
             after: Json | None = None, category: str | None = None, severity: str | None = None,
             data: Json | None = None) -> Json:
    name, cat, sev = PROBE_RULES[rule]
    out = {"rule": rule, "name": name, "category": category or cat, "severity": severity or sev, "path": path,
           **_span(source, where), "message": message, "fixable": False, "source": "probe",
           "evidence": evidence, "confirmed": confirmed, "confirms": confirms or [],
           "before": before or {}, "after": after or {}}
    if data:
        out["data"] = data
    return out


def fit_numbers(fit: Json | None, k: int | None = None, held: Json | None = None) -> Json:
    if not fit:
        return {}
    curve = fit.get("loss") or []
    out = {"fitted": fit.get("fitted"), "steps_to_fit": fit.get("steps_to_fit"), "steps": fit.get("steps"),
           "init_loss": fit.get("init_loss"), "final_loss": fit.get("final_loss"),
           "final_accuracy": fit.get("final_accuracy"), "nonfinite": fit.get("nonfinite")}
    if k is not None and curve:
        kk = min(k, len(curve) - 1)
        out["k"] = kk + 1
        out["loss_at_k"] = _round(_smooth_at(curve, kk))
    if held and "skipped" not in held:
        out["held_out_accuracy"] = held.get("held_out_accuracy")
        out["train_accuracy"] = held.get("train_accuracy")
        out["chance"] = held.get("chance")
    return out


def _se_margin(p: float | None, n: int | None) -> float:
    """Two standard errors of an accuracy p measured on n samples (floor: p(1-p) >= 0.01)."""
    if p is None or not n:
        return 1.0
    return 2.0 * math.sqrt(max(p * (1 - p), 0.01) / n)


def _score(v: float | None, regression: bool) -> str:
    return f"R² {_fmt(v)}" if regression else f"accuracy {_pct(v)}"


def compare(before_fit: Json, after_fit: Json, before_held: Json | None = None, after_held: Json | None = None,
            th: dict[str, float] | None = None, regression: bool = False) -> tuple[bool, str, Json, Json, Json]:
    """Did the change measurably improve learning? -> (improved, evidence, before, after, gains).

    Decided, in order, by: NaN/inf removed or introduced; the batch fitted or not; with the same fit status,
    the training-slice and held-out accuracies after the same steps (gain beyond two standard errors); without
    those, steps to fit the batch (>= 1.5x and >= 3 steps fewer) or the loss at the same step (<= 80%).
    """
    th = th or THRESHOLDS
    bc, ac = before_fit.get("loss") or [], after_fit.get("loss") or []
    k = max(0, min(len(bc), len(ac)) - 1) if bc and ac else 0
    b, a = fit_numbers(before_fit, k, before_held), fit_numbers(after_fit, k, after_held)
    bf, af = bool(before_fit.get("fitted")), bool(after_fit.get("fitted"))
    bs, as_ = before_fit.get("steps_to_fit"), after_fit.get("steps_to_fit")
    gains: dict[str, Any] = {}
    if bf and af and bs is not None and as_ is not None:  # (a fitted run always counts its steps)
        gains["speedup"] = round((bs + 1) / (as_ + 1), 2)
    desc_b = f"fits the batch in {bs} steps" if bf else (
        f"hits NaN/inf after {before_fit.get('steps')} steps" if before_fit.get("nonfinite") else
        f"does not fit the batch in {before_fit.get('steps')} steps ({_score(before_fit.get('final_accuracy'), regression)})")
    desc_a = f"fits it in {as_} steps" if af else (
        f"hits NaN/inf after {after_fit.get('steps')} steps" if after_fit.get("nonfinite") else
        f"does not fit it in {after_fit.get('steps')} steps ({_score(after_fit.get('final_accuracy'), regression)})")
    parts = []
    bh = before_held if before_held and "skipped" not in before_held else None
    ah = after_held if after_held and "skipped" not in after_held else None
    if bh and ah:
        tb, ta = bh.get("train_accuracy"), ah.get("train_accuracy")
        hb, ha = bh.get("held_out_accuracy"), ah.get("held_out_accuracy")
        if tb is not None and ta is not None:
            gains["train_accuracy"] = round(ta - tb, 4)
            parts.append(f"training {'R²' if regression else 'accuracy'} after {bh.get('steps')} steps "
                         + (f"{_fmt(tb)} -> {_fmt(ta)}" if regression else f"{_pct(tb)} -> {_pct(ta)}"))
        if hb is not None and ha is not None:
            gains["held_out_accuracy"] = round(ha - hb, 4)
            parts.append(f"held-out {'R²' if regression else 'accuracy'} "
                         + (f"{_fmt(hb)} -> {_fmt(ha)}" if regression else f"{_pct(hb)} -> {_pct(ha)}"))
    lb, la = b.get("loss_at_k"), a.get("loss_at_k")
    if lb is not None and la is not None:
        parts.append(f"batch loss at step {b.get('k')}: {_fmt(lb)} -> {_fmt(la)}")
    verdict = "no measurable difference"
    improved = False
    cut = [side for side, f, other in (("as written", before_fit, after_fit), ("with the fix", after_fit, before_fit))
           if f.get("stop") == "time" and not f.get("fitted") and f.get("steps", 0) < (other.get("steps") or 0)]
    if cut:
        verdict = f"not comparable: the time budget cut the run {cut[0]} short; raise --budget"
    elif before_fit.get("nonfinite") and after_fit.get("nonfinite"):
        verdict = "both hit NaN/inf"
    elif before_fit.get("nonfinite") and not after_fit.get("nonfinite"):
        improved, verdict = True, "removes the NaN/inf"
    elif after_fit.get("nonfinite") and not before_fit.get("nonfinite"):
        verdict = "makes it worse (NaN/inf)"
    elif af and not bf:
        improved, verdict = True, "now fits the batch"
    elif bf and not af:
        verdict = "makes it worse: the batch is no longer fitted"
    elif "train_accuracy" in gains or "held_out_accuracy" in gains:
        if regression:  # R²: no binomial error; a gain of 0.1 counts
            mt = mh = 0.1
        else:
            held_b = bh or {}  # (accuracy gains come from both held-out runs)
            mt = _se_margin(held_b.get("train_accuracy"), held_b.get("train_samples"))
            mh = max(_se_margin(held_b.get("held_out_accuracy"), held_b.get("held_out_samples")), held_b.get("margin") or 0.0)
        dt, dh = gains.get("train_accuracy", 0.0), gains.get("held_out_accuracy", 0.0)
        better = dt > mt or dh > mh
        worse = dt < -mt or dh < -mh
        if better and not worse:
            improved, verdict = True, ("learns the training slice faster" if dt > mt else "generalises better")
        elif better and worse:
            verdict = "mixed: better on one measure, worse on another"
        elif worse:
            verdict = "makes it worse"
        else:
            verdict = f"no measurable difference (gains within two standard errors: {mt:.2f} training, {mh:.2f} held-out)"
    elif bf and af and bs is not None and as_ is not None:
        sp = gains["speedup"]
        improved = sp >= th["speedup"] and bs - as_ >= th["min_step_gain"]
        verdict = f"{sp:.1f}x faster" if improved else (f"{1 / sp:.1f}x slower" if sp < 1 else
                                                          f"{sp:.1f}x, below the {th['speedup']:g}x needed to count")
    elif lb is not None and la is not None:
        improved = la <= th["loss_gain"] * lb and lb - la >= 0.02
        verdict = "lower loss at the same step" if improved else "no lower loss at the same step"
    evidence = f"as written it {desc_b}; with the fix it {desc_a}" + "".join("; " + p for p in parts) + f" ({verdict})"
    gains["reason"] = verdict
    return improved, evidence, b, a, gains


# ----------------------------------------------------------------------------- static findings


def _static_json(f: Finding) -> Json:
    out = f.to_json()
    out.update(source="static", evidence="", confirmed=None, confirms=[], before={}, after={})
    return out


def error_report(path: str, message: str, *, static: list[Finding] | None = None, timing: Json | None = None,
                 where: Json | None = None, source: str = "", rule: str = "PRB093", verdict: str = "error") -> Json:
    findings = [_static_json(f) for f in static or []]
    findings.append(_finding(rule, path, source, where, message, message))
    return msgs.check_report({"version": VERSION, "file": path, "verdict": verdict, "device": None, "headline": message,
                              "summary": message, "metrics": {}, "layers": [], "findings": findings, "curves": {},
                              "timing": timing or {}})


# ----------------------------------------------------------------------------- a worker that died

# What TensorFlow, absl and Python's warnings print on their own: never "the last meaningful line".
_LOG_NOISE = re.compile(
    r"^(?:WARNING: All log messages before absl::InitializeLog\(\)"  # absl, before its logging is set up
    r"|[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\]"  # absl / glog: I0000 00:00:17.2 15120 port.cc:153]
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] "  # TF's C++ log: 2024-01-01 12:00:00.1: W tensorflow/...
    r"|To enable the following instructions:"  # the second line of TF's CPU-feature notice
    r"|\S+\.py:\d+: \w*Warning: "  # warnings.warn output (Keras, NumPy) ...
    r"|\s"  # ... and its indented source line, traceback bodies
    r"|$)")


def meaningful_lines(lines: list[str]) -> list[str]:
    """The lines of a worker's stderr that are not TensorFlow/absl log noise or warnings."""
    return [line.strip() for line in lines if not _LOG_NOISE.match(line)]


def crash_message(code: int | None, stderr: list[str]) -> str:
    """Why the worker ended without a result: its exit code (or signal) and its last meaningful line."""
    import signal

    if code is None:
        how = "stopped answering"
    elif code > 128 and code - 128 in {s.value for s in signal.Signals}:
        how = f"was killed by {signal.Signals(code - 128).name} (exit code {code})"
    elif code < 0 and -code in {s.value for s in signal.Signals}:
        how = f"was killed by {signal.Signals(-code).name}"
    else:
        how = f"exited with code {code}"
    text = (f"the script's process {how} before the probe had a result (os._exit, a crash in native "
            "code, or a signal)")
    last = meaningful_lines(stderr)
    if last:
        line = last[-1]
        text += f"; its last output: {line[:300]}{'...' if len(line) > 300 else ''}"
    return text


# ----------------------------------------------------------------------------- the report


KERAS_PACKAGES = frozenset({"keras", "tensorflow", "tf_keras", "keras_core"})


def _hint(exc_type: str, message: str, library: str | None = None) -> str:
    """A short cause after the exception. `library`: the installed package whose code raised it (None: the
    script itself, or not known); a rejected argument is Keras 3's only when Keras (or TensorFlow) raised it."""
    low = message.lower()
    if library and library not in KERAS_PACKAGES and ("unexpected keyword argument" in low
                                                      or "not recognized" in low):
        return (f" (an argument the installed {library} does not accept: the script was written for another "
                f"version of {library})")
    if "keras 2" in low:
        return ""
    if exc_type in ("FileNotFoundError", "IsADirectoryError") or "no such file" in low:
        return " (a file the script reads is missing)"
    if "url fetch failure" in low or exc_type in ("URLError", "ConnectionError", "gaierror", "HTTPError") \
            or "name or service not known" in low or "temporary failure in name resolution" in low:
        return " (the script downloads data and there is no network here)"
    if "unexpected keyword argument" in low or "not recognized" in low or "keras 2" in low:
        return " (an argument Keras 3 does not accept; it may be Keras 2-only)"
    if exc_type in ("ModuleNotFoundError", "ImportError") and ("'keras." in message or "'tensorflow.keras." in message
                                                               or "from 'keras" in message):
        return " (a Keras 2 module path that Keras 3 no longer has)"
    if exc_type in ("ModuleNotFoundError", "ImportError"):
        return " (a module is not installed in the probe's interpreter)"
    return ""


def _backend_title(report: Json) -> str:
    name = ((report.get("metrics") or {}).get("backend") or {}).get("name") or "tensorflow"
    return {"tensorflow": "TensorFlow", "jax": "Keras + JAX", "torch": "Keras + PyTorch"}.get(name, name)


def build_report(*, path: str, source: str, static: list[Finding], runs: list[Json], ready: msgs.Ready | None,
                 status: str, message: str, fatal: str | None, internal: msgs.Internal | None, timing: Json,
                 timeout: float, options: Json, counterfactuals: list[Json]) -> Json:
    """The report (a msgs.ProbeReport as JSON data; run_probe checks it against that type)."""
    device = ready.device.text if ready else None
    findings = [_static_json(f) for f in static]
    by_key: dict[str | None, Json] = {r.get("key"): r for r in runs}
    orig = by_key.get("as_written")
    metrics: Json = {}
    base: Json = {"version": VERSION, "file": path, "device": device, "metrics": metrics, "layers": [], "curves": {},
                  "timing": timing}
    if ready:
        base["metrics"]["tensorflow"] = ready.tensorflow
        base["metrics"]["keras"] = ready.keras
        timing.setdefault("tf_import_s", ready.import_s)

    def finish(verdict: str, summary: str, extra: list[Json]) -> Json:
        return {**base, "verdict": verdict, "headline": summary, "summary": summary, "findings": findings + extra}

    if fatal:
        return finish("error", fatal, [_finding("PRB093", path, source, None, fatal, fatal)])
    if status == "cancelled":
        return finish("inconclusive", "cancelled", [])
    if orig is None or orig.get("status") == "timeout" or (status == "timeout" and orig.get("status") != "ok"):
        if status == "timeout" or (orig or {}).get("status") == "timeout":
            where = {k: v for k, v in (orig or {}).items() if k in ("line", "column", "end_line", "end_column")}
            at = f" (it was running line {where['line']})" if where.get("line") and where["line"] > 1 else ""
            msg = f"the script did not reach fit within the {timeout:g} s timeout{at}; the probe stopped it"
            return finish("error", msg, [_finding("PRB092", path, source, where or None, msg, msg)])
        if internal:
            msg = f"the probe failed: {internal.message}"
            return finish("error", msg, [_finding("PRB093", path, source, None, msg, msg,
                                                  data={"trace": internal.trace})])
        msg = message or "the probe worker produced no result"
        return finish("error", msg, [_finding("PRB093", path, source, None, msg, msg)])
    st = orig.get("status")
    if st in ("error", "exit"):
        exc_type, msg = orig.get("exc_type", "Error"), orig.get("message", "")
        where = {k: orig[k] for k in ("line", "column", "end_line", "end_column") if k in orig}
        if st == "exit":
            text = f"the script stopped before fit: {msg}"
        else:
            text = f"the script failed before fit: {exc_type}: {msg}{_hint(exc_type, msg, orig.get('library'))}"
        # static API findings on the failing line are confirmed by the failure itself (unless another library
        # raised it: scikit-learn's rejected argument is not Keras 3's)
        library = orig.get("library")
        here = [] if library and library not in KERAS_PACKAGES else \
            [f for f in findings if f["category"] == "api" and f["line"] <= (where.get("line") or 0) <= f["end_line"]]
        for f in here:
            f["confirmed"] = True
            f["evidence"] = f"confirmed: the script fails on this line: {exc_type}: {msg}"
        data: Json = {"exception": exc_type, "traceback": orig.get("traceback") or []}
        port_offer = _port.offer(path, findings, where.get("line"), library, KERAS_PACKAGES) if st == "error" else None
        if port_offer is not None:  # a Keras 3 fix explains the failure: offer to probe a ported copy
            data["port"] = port_offer
            text += (f". {', '.join(port_offer['rules'])} explains it; to probe a copy with the safe Keras 3 fixes "
                     f"applied (this file unchanged): {port_offer['command']}")
        report = finish("error", text, [_finding("PRB090", path, source, where, text, f"{exc_type}: {msg}",
                                                 confirms=sorted({f["rule"] for f in here}), data=data)])
        if port_offer is not None:
            report["port"] = port_offer
        return report
    if st == "no_fit":
        text = orig.get("message", "the script did not call fit")
        return finish("inconclusive", text, [_finding("PRB091", path, source, orig.get("where"), text, text)])
    if st == "data_error":
        text = f"the probe could not use the data given to fit: {orig.get('exc_type')}: {orig.get('message')}"
        return finish("inconclusive", text, [_finding("PRB093", path, source, orig.get("fit_where"), text, text,
                                                      data={"trace": orig.get("trace", "")})])
    return _measured_report(base, findings, path, source, orig, by_key, status, timeout, options, counterfactuals)


def _measured_report(base: Json, findings: list[Json], path: str, source: str, orig: Json, by_key: dict[str | None, Json],
                     status: str, timeout: float, options: Json, cfs: list[Json]) -> Json:
    th = {**THRESHOLDS, **(options.get("thresholds") or {})}
    fit = orig["fit"]
    held = orig.get("held_out")
    task = orig.get("task", {})
    inputs = orig.get("inputs", {})
    labels = orig.get("labels", {})
    fit_where = orig.get("fit_where")
    compile_where = orig.get("compile_where") or fit_where
    static_rules = {f["rule"] for f in findings}
    probe: list[Json] = []
    m = _record.Measurement.from_worker(orig, options)  # the typed record the checks decide on
    curve = fit.get("loss") or []
    init_loss, min_loss, expected_loss = m.init_loss, m.min_loss, m.expected_loss
    kind, classes, n_batch = m.kind, m.classes, m.batch_samples

    def supports(rule: str) -> list[str]:
        return [r for r in SUPPORTS.get(rule, []) if r in static_rules]

    # ---- the per-layer table, read from the record
    groups = list(m.groups)
    gn = fit.get("grad_norms") or []
    layers = [{"name": l.name, "kind": l.kind, "line": l.line, "grad_norm": l.grad_norm, "saturation": l.saturation,
               "dead_fraction": l.dead_fraction, "dead_fraction_init": l.dead_fraction_init,
               "update_ratio": l.update_ratio, "activation": l.activation, "output": l.output} for l in m.layers]

    def place(h: Hit) -> Any:
        return fit_where if h.at == "fit" else compile_where if h.at == "compile" else {"line": h.at}

    def found(rule: str, h: Hit, **kw: Any) -> Json:
        """A probe check's hit as a finding of the report (`kw`: what the report adds: confirmation, comparisons)."""
        kw.setdefault("confirmed", True)
        return _finding(rule, path, source, place(h), h.message, h.evidence, data=h.data, **kw)

    def hits(rule: str) -> list[Hit]:
        return PROBE_CHECKS[rule].hits(m, th)

    # ---- data findings (each check decides on the record; the report adds what the retrained runs show)
    identical = m.identical
    identical_classes = m.inputs.identical_across_classes
    probe += [found("PRB006", h, confirms=supports("PRB006")) for h in hits("PRB006")]
    prb011 = hits("PRB011")
    probe += [found("PRB011", h) for h in prb011 if h.subject is None and h.at == "fit"]  # the labels' problems
    probe += [found("PRB012", h) for h in hits("PRB012")]
    probe += [found("PRB013", h) for h in hits("PRB013")]
    unscaled = m.unscaled
    if unscaled and "LRN501" in static_rules:
        for f in findings:
            if f["rule"] == "LRN501":
                f["measured"] = "measured: " + hits("PRB009")[0].evidence
    if unscaled and (by_key.get("PRB009") or "LRN501" not in static_rules):
        for h in hits("PRB009"):
            ev = h.evidence
            rem = by_key.get("PRB009")
            conf: bool | None
            before: Json
            after: Json
            conf, before, after = None, {}, {}
            if rem and rem.get("fit"):
                conf, cev, before, after, _ = compare(fit, rem["fit"], held, rem.get("held_out"), th=th,
                                                      regression=kind == "regression")
                ev += "; standardised: " + cev.replace("with the fix", "standardised")
            probe.append(_finding("PRB009", path, source, place(h), h.message, ev, confirmed=conf,
                                  confirms=supports("PRB009") if conf else [], before=before, after=after))

    # ---- gradients and activations
    ends = m.gradient_ends
    vanish = ends[0] / ends[1] if ends else None
    probe += [found("PRB002", h, confirms=supports("PRB002")) for h in hits("PRB002")]
    relu_run = by_key.get("PRB008")
    relu_cmp = None
    if relu_run and relu_run.get("status") == "ok" and relu_run.get("fit"):
        relu_cmp = compare(fit, relu_run["fit"], held, relu_run.get("held_out"), th=th,
                           regression=kind == "regression")
    order = {l.name: i for i, l in enumerate(m.layers)}
    per_layer = sorted([("PRB008", h) for h in hits("PRB008")] + [("PRB003", h) for h in hits("PRB003")],
                       key=lambda rh: order.get(rh[1].subject or "", -1))  # layer by layer, saturation first
    for rule, h in per_layer:
        if rule == "PRB003":
            probe.append(found("PRB003", h, confirms=supports("PRB003")))
            continue
        ev, conf, before, after = h.evidence, True, {}, {}
        if relu_cmp is not None and relu_run and h.subject in (relu_run.get("layers") or []):
            conf, cev, before, after, _ = relu_cmp
            ev += f"; with relu in {', '.join(relu_run['layers'])}: " + cev.replace("with the fix", "with relu")
        probe.append(_finding("PRB008", path, source, place(h), h.message, ev, confirmed=conf,
                              confirms=supports("PRB008") if conf else [], before=before, after=after))
    probe += [found("PRB005", h, confirms=supports("PRB005")) for h in hits("PRB005")]
    probe += [found("PRB010", h) for h in hits("PRB010")]

    # ---- counterfactuals for static findings
    cf_results: dict[str, Json] = {}
    for cf in cfs:
        res = by_key.get(cf["key"])
        if res is None:
            cf_results[cf["key"]] = {"status": "not_run"}
            continue
        if res.get("status") != "ok":
            msg = res.get("message") or res.get("status")
            cf_results[cf["key"]] = {"status": res.get("status"), "evidence":
                                     f"the fixed script did not reach fit: {res.get('exc_type', '')} {msg}".strip()}
            continue
        improved, ev, before, after, gains = compare(fit, res["fit"], held, res.get("held_out"), th=th,
                                                    regression=kind == "regression")
        if not res.get("same_init", True):
            ev += " (the fix changes the weight shapes: different initial weights)"
        after["learning_rate"] = res.get("learning_rate")
        cf_results[cf["key"]] = {"status": "ok", "improved": improved, "evidence": ev, "before": before,
                                 "after": after, "gains": gains, "fixes": cf.get("fixes", []),
                                 "rules": cf.get("rules", [cf["key"]])}

    lr_range = None
    lr_works = None
    lr_helps = None
    prb7 = by_key.get("PRB007")
    if prb7:
        lr_range = prb7.get("lr_range")
        if prb7.get("fit"):
            improved, ev, before, after, _ = compare(fit, prb7["fit"], th=th, regression=kind == "regression")
            lr = prb7.get("learning_rate")
            after["learning_rate"] = lr
            rng = lr_range or {}
            ev = (f"range test {_fmt((rng.get('rates') or [None])[0])}..{_fmt((rng.get('rates') or [None])[-1])}: "
                  f"lowest loss near {_fmt(rng.get('best_rate'))}; at {_fmt(lr)}: " + ev.replace("with the fix", f"at {_fmt(lr)}"))
            if improved:
                fits = bool(prb7["fit"].get("fitted"))
                if fits:
                    lr_works = lr
                else:
                    lr_helps = lr
                probe.append(_attach_fix(_finding("PRB007", path, source, compile_where,
                                      f"learning rate {_fmt(orig.get('learning_rate'))} does not train this model; "
                                      + (f"{_fmt(lr)} does" if fits else f"{_fmt(lr)} does better"), ev, confirmed=True, confirms=supports("PRB007"),
                                      before=before, after=after, data={"learning_rate": lr}),
                                          literal_fix(source, orig.get("learning_rate"), repr(lr),
                                                      (compile_where or {}).get("line"), f"use learning rate {lr:g}")))
    cr: Json | None
    nec: bool | None
    for key, cr in cf_results.items():
        if cr.get("improved") and cr["after"].get("learning_rate") not in (None, orig.get("learning_rate")):
            if cr["after"].get("fitted"):
                lr_works = lr_works or cr["after"]["learning_rate"]
            else:
                lr_helps = lr_helps or cr["after"]["learning_rate"]

    # ---- measured causes (plan.causes) and the repair search, each retrained from the same initial weights
    info_view = {"task": task, "labels": labels, "inputs": inputs, "layers": orig.get("layers"),
                 "learning_rate": orig.get("learning_rate"), "optimizer": orig.get("optimizer")}
    negative = m.negative_loss
    for rule, atoms, remedy in _plan.causes(info_view):
        res = by_key.get(rule) if atoms else None
        probe.append(_cause_finding(rule, path, source, place, m, fit, held, res, remedy, th, supports))
    probe += [found("PRB011", h) for h in prb011 if h.subject is None and h.at != "fit"]  # a negative loss
    repairs = [r for k, r in by_key.items() if str(k).startswith("R:")]
    repair_ok = None
    for r in repairs:
        if r.get("status") == "ok" and _fits(r.get("fit")) and _plan.held_learned(r.get("held_out"), kind) is not False:
            repair_ok = r
            break
    if repair_ok is not None:
        rf = _repair_finding(repair_ok, repairs, path, source, compile_where, fit_where, orig, fit, kind)
        rf["confirms"] = [r for r in REPAIR_SUPPORTS.get(repair_ok["key"][2:], []) if r in static_rules]
        probe.append(rf)

    # ---- static findings: each fix alone (sufficient?) and all fixes but that one (necessary?)
    keys = [c["key"] for c in cfs if c["key"] != "ALL" and not c["key"].startswith("ALL-")]
    allr = cf_results.get("ALL")
    for key in keys:
        cr = cf_results.get(key)
        if not cr or cr.get("status") != "ok":
            continue
        run = by_key.get(key) or {}
        after_held = run.get("held_out") if run.get("held_out") and "skipped" not in run["held_out"] else None
        learns_alone = _fits(run.get("fit")) and (after_held is None or above_chance(
            after_held.get("train_accuracy"), after_held.get("chance"), after_held.get("train_samples"), kind, th) is not False)
        cr["sufficient"] = bool(cr["improved"]) and learns_alone
        minus = None
        if len(keys) == 1:
            minus = "as_written"
        elif allr and allr.get("status") == "ok":
            minus = f"ALL-{key}" if len(keys) >= 3 else next(k for k in keys if k != key)
        mres = orig if minus == "as_written" else by_key.get(minus) if minus else None
        full = by_key.get(key) if len(keys) == 1 else by_key.get("ALL")
        if mres is not None and mres.get("status") == "ok" and full is not None and full.get("status") == "ok":
            nec, nev, nb, na, _ = compare(mres["fit"], full["fit"], mres.get("held_out"), full.get("held_out"), th=th,
                                          regression=kind == "regression")
            cr["necessary"] = bool(nec)
            cr["necessary_numbers"] = [nb, na]
            if minus == "as_written":  # one fix: "all but it" is the script as written
                cr["necessary_evidence"] = cr["evidence"]
                continue
            cr["necessary_evidence"] = nev.replace("as written it", "without it (all other fixes)").replace(
                "with the fix it", "with it too")
        else:
            cr["necessary"] = None

    # ---- does it learn? (decide_verdict: a pure function of the measurements)
    fitted = bool(fit.get("fitted"))
    dead_layers = [l for l in layers if not l.get("output") and (l.get("dead_fraction") or 0) >= th["dead_verdict"]]
    held_ok = held if held and "skipped" not in held else None
    speedups = {k: cr for k, cr in cf_results.items() if _slow_gain(cr, th)}
    facts = Facts(
        kind=kind, fitted=fitted, nonfinite=bool(fit.get("nonfinite")), negative_loss=negative,
        identical=identical or identical_classes, single_class=labels.get("classes_seen") == 1,
        collapsed=m.collapsed,
        dead=[l["name"] for l in dead_layers],
        train_accuracy=(held_ok or {}).get("train_accuracy"), train_samples=(held_ok or {}).get("train_samples"),
        chance=(held_ok or {}).get("chance") if kind != "regression" else 0.0,
        falls=init_loss is not None and min_loss is not None and min_loss <= th["learning_loss_drop"] * init_loss,
        steady=steady_fall((held_ok or {}).get("loss") or curve[-30:], th),
        time_short=fit.get("stop") == "time" and not fitted and fit.get("steps", 0) < 20,
        faster_with_fix=bool(speedups), error=fit.get("error"))
    verdict, why_not = decide_verdict(facts, th)

    for h in hits("PRB001"):  # a symptom, as grave as the verdict
        probe.insert(0, found("PRB001", h, severity="error" if verdict == "does_not_learn" else "warning"))
    probe += [found("PRB019", h) for h in hits("PRB019")]
    explained = any(cr.get("improved") for cr in cf_results.values())  # a static fix improves training
    probe += [found("PRB004", h, confirms=supports("PRB004"))
              for h in PROBE_CHECKS["PRB004"].hits(replace(m, explained=explained), th)]
    unpredictable = any(p["rule"] == "PRB004" for p in probe)
    if unpredictable and above_chance(facts.train_accuracy, facts.chance, facts.train_samples, kind, th) is False:
        facts.unpredictable = True  # it memorises one batch and nothing else
        verdict, why_not = decide_verdict(facts, th)
    epochs = None if unpredictable else _epochs_finding(path, source, fit_where, m, th)
    if epochs is not None:
        epochs["confirms"] = supports("PRB017")
        probe.append(epochs)
        if verdict == "learns":
            verdict = "learns_slowly"

    # ---- confirm or refute each static finding
    for f in findings:
        cr = cf_results.get(f["rule"])
        f["status"] = "not tested"
        if f["category"] == "metrics":
            f["confirmed"] = None
            f["status"] = "not applicable"
            f["evidence"] = "not applicable: this finding is about what is reported (a metric), not about training"
            continue
        if cr is not None and cr.get("status") == "ok":
            suff, nec = cr.get("sufficient"), cr.get("necessary")
            how = " and ".join(w for w, ok in (("sufficient", suff), ("necessary", nec)) if ok)
            if suff or nec:
                f["confirmed"], f["status"] = True, "confirmed"
                f["how"] = how
                f["evidence"] = f"confirmed: {how}; " + (cr["evidence"] if suff else cr.get("necessary_evidence", ""))
                if suff and nec and len(keys) > 1:
                    f["evidence"] += "; without it, all the other fixes: " + cr.get("necessary_evidence", "")
            elif nec is None:
                f["confirmed"] = None
                f["status"] = "undecided"
                f["evidence"] = ("undecided: alone it does not help (" + cr["evidence"] + "); with "
                                 f"{len(keys)} fixes the all-but-one runs were not made")
            else:
                f["confirmed"], f["status"] = False, "not confirmed"
                f["evidence"] = ("not confirmed: alone: " + cr["evidence"] +
                                 ("; removing it from all the fixes changes nothing: " + cr.get("necessary_evidence", "")
                                  if len(keys) > 1 else ""))
            f["before"], f["after"] = cr["before"], cr["after"]
            if nec and not suff and cr.get("necessary_numbers"):
                f["before"], f["after"] = cr["necessary_numbers"]  # without it (the other fixes) vs all the fixes
        elif cr is not None:
            f["evidence"] = cr.get("evidence", "")
        if f.get("measured"):
            f["evidence"] = (f["evidence"] + "; " if f["evidence"] else "") + f.pop("measured")
        backing = [p["rule"] for p in probe if f["rule"] in p.get("confirms", [])]
        f["confirmed_by"] = backing
        if f["confirmed"] is False and backing:  # its own fix alone falls short, but the cause is measured
            f["confirmed"], f["status"], f["how"] = True, "confirmed", "measured"
            f["evidence"] = "confirmed by measurement: " + "; ".join(
                p["evidence"] for p in probe if p["rule"] in backing) + " (its own fix alone falls short: " + (
                    cr or {}).get("evidence", "") + ")"
        if f["confirmed"] is None and f["status"] != "not applicable":
            if backing:
                f["confirmed"], f["status"] = True, "confirmed"
                earlier = f["evidence"]
                f["evidence"] = "confirmed by measurement: " + "; ".join(
                    p["evidence"] for p in probe if p["rule"] in backing) + (f" (its own fix: {earlier})" if earlier else "")
            elif f["rule"] == "LRN601":
                f["confirmed"], f["status"] = False, "not confirmed"
                f["evidence"] = (f"not confirmed: the inputs given to fit vary (std {_fmt(inputs.get('std'))})")
            elif f["rule"] == "LRN602" and held_ok and held is not None and held.get("above_chance"):
                f["confirmed"], f["status"] = False, "not confirmed"
                f["evidence"] = (f"not confirmed: held-out accuracy {_pct(held.get('held_out_accuracy'))} is above "
                                 f"chance {_pct(held.get('chance'))}: the labels are predictable")
    if lr_works is not None:
        for f in findings:
            if f["rule"] == "LRN301":
                f["after"]["learning_rate_that_works"] = lr_works
    for p in probe:
        p.setdefault("status", {True: "confirmed", False: "not confirmed", None: "not tested"}[p.get("confirmed")])
        if p["category"] == "symptom":
            p["status"] = "symptom"

    for f in findings + probe:
        f["result"] = short_result(f)
    headline, summary = summarise(verdict, why_not, findings, probe, facts, fit=fit, held=held_ok, n_batch=n_batch,
                        init_loss=init_loss, min_loss=min_loss, kind=kind, options=options, status=status,
                        timeout=timeout, cf_results=cf_results, speedups=speedups, lr_works=lr_works, lr_helps=lr_helps)

    curves = {"as_written": curve}
    for key in [c["key"] for c in cfs] + ["PRB007", "PRB009", "PRB008"] + [k for k in by_key if str(k).startswith(
            ("R:", "PRB011", "PRB014", "PRB015", "PRB016"))]:
        ran = by_key.get(key)
        if ran and ran.get("fit"):
            curves[key] = ran["fit"].get("loss") or []
    metrics = {
        **base["metrics"],
        "task": kind, "classes": classes, "loss": task.get("loss_name"), "from_logits": task.get("from_logits"),
        "optimizer": orig.get("optimizer"), "learning_rate": orig.get("learning_rate"),
        "fit_args": orig.get("fit_args"), "data_source": orig.get("data_source"), "samples": orig.get("samples"),
        "inputs": inputs, "labels": labels,
        "init_loss": _round(init_loss), "expected_init_loss": _round(expected_loss),
        "fit_one_batch": {k: v for k, v in fit.items() if k not in ("loss", "accuracy", "grad_norms", "update_ratios")},
        "held_out": held, "vanishing_ratio": _round(vanish), "nonfinite": fit.get("nonfinite"),
        "learning_rate_that_works": lr_works, "lr_range": lr_range,
        "counterfactuals": {k: {kk: vv for kk, vv in v.items() if kk not in ("before", "after")}
                            for k, v in cf_results.items()},
        "gradients": {"layers": groups, "norms": _thin(gn, 100)},
        "thresholds": th,
        "budget": {k: options[k] for k in ("max_steps", "budget_s", "held_steps", "batch", "seed")},
    }
    timing = base["timing"]
    timing["runs"] = {r: by_key[r].get("seconds") for r in by_key if by_key[r].get("seconds") is not None}
    timing["as_written"] = {"script_s": orig.get("exec_s"), "setup_s": orig.get("setup_s"),
                            "first_step_s": fit.get("first_step_s"), "fit_s": fit.get("seconds"),
                            "held_out_s": (held or {}).get("seconds")}
    timing["trace_reused"] = {r: bool(by_key[r].get("reused_trace")) for r in by_key if "reused_trace" in by_key[r]}
    return {**base, "verdict": verdict, "headline": headline, "summary": summary, "metrics": metrics, "layers": layers,
            "findings": findings + probe, "curves": curves}


# ----------------------------------------------------------------------------- verdict and summary


@dataclass
class Facts:
    """What the verdict is decided on: measurements of the as-written run, already reduced."""
    kind: str | None
    fitted: bool
    nonfinite: bool
    negative_loss: bool
    identical: bool
    single_class: bool
    collapsed: str | None
    dead: list[Any]
    train_accuracy: float | None  # after the held-out run's training (R² for regression)
    train_samples: int | None
    chance: float | None
    falls: bool  # the fit-one-batch loss falls (smoothed minimum <= 80% of the initial loss)
    steady: bool  # ... and is still falling steadily at the end
    time_short: bool  # the clock stopped fit-one-batch before 20 steps
    faster_with_fix: bool  # a confirmed fix makes it markedly faster
    error: str | None = None  # a training step raised (the loss rejects the labels, shapes)
    unpredictable: bool = False  # held-out accuracy at chance while the training samples are learned (PRB004)


def decide_verdict(f: Facts, th: dict[str, float] | None = None) -> tuple[str, str]:
    """-> (verdict, the reason in words). Pure: the same facts give the same verdict."""
    th = th or THRESHOLDS
    if f.error:
        return "does_not_learn", f"training fails: {f.error}"
    if f.nonfinite:
        return "does_not_learn", "the loss became NaN/inf"
    if f.negative_loss:
        return "does_not_learn", "the loss went negative: the labels are outside what the loss accepts"
    if f.identical:
        return "does_not_learn", "the inputs are identical: nothing distinguishes the classes"
    if f.single_class:
        return "does_not_learn", "the labels hold a single class: there is nothing to learn"
    if f.collapsed:
        return "does_not_learn", f"the trained model predicts {f.collapsed} for every sample"
    if f.unpredictable:
        return "does_not_learn", ("it can only memorise (one batch, not the training slice): held-out accuracy "
                                  "stays at chance")
    if f.time_short:
        return "inconclusive", "the time budget stopped the run after too few steps"
    above = above_chance(f.train_accuracy, f.chance, f.train_samples, f.kind, th)
    if f.fitted:
        if above is False and not f.steady:
            return "does_not_learn", ("it fits one batch, but training accuracy stays within noise of chance and "
                                      "the loss no longer falls")
        return ("learns_slowly" if f.faster_with_fix or above is False else "learns"), ""
    if f.dead:
        return "does_not_learn", f"most units of {', '.join(f.dead)} are dead"
    if above is False:
        what = "R²" if f.kind == "regression" else "accuracy"
        return "does_not_learn", f"training {what} stays within noise of chance"
    if above is True and (f.steady or f.falls):
        return "learns_slowly", ""
    if above is None and f.falls:
        return "learns_slowly", ""
    return "does_not_learn", "the loss does not fall"


def summarise(verdict: str, why_not: str, findings: list[Json], probe: list[Json], facts: Facts, *, fit: Json,
              held: Json | None, n_batch: Any, init_loss: Any, min_loss: Any, kind: Any, options: Json, status: str,
              timeout: float, cf_results: Json, speedups: Json, lr_works: Any, lr_helps: Any) -> tuple[str, str]:
    """-> (headline, summary). The headline: the verdict with its evidence, one sentence (the report view's first
    line); the summary: the headline, then the confirmed causes and their evidence (the CLI's text)."""
    reg = kind == "regression"
    train = ""
    if held and held.get("train_accuracy") is not None:
        train = (f"; training {'R²' if reg else 'accuracy'} {_fmt(held['train_accuracy']) if reg else _pct(held['train_accuracy'])}"
                 f" after {held.get('steps')} steps on {held.get('train_samples')} samples"
                 + ("" if reg else f" vs chance {_pct(held.get('chance'))}"))
    if verdict == "learns":
        summary = f"It learns: it fits a batch of {n_batch} in {fit['steps_to_fit']} steps{train}."
    elif verdict == "learns_slowly":
        if facts.fitted and speedups:
            key, best = next(iter(speedups.items()))
            fixname = "all the fixes together" if key == "ALL" else f"the fix for {key}"
            g = best["gains"]
            how = (f"it fits a batch of {n_batch} in {fit['steps_to_fit']} steps; with {fixname}: {g.get('reason')}")
            summary = f"It learns, slowly: {how}{train}."
        else:
            summary = (f"It learns slowly: the loss falls ({_fmt(init_loss)} -> {_fmt(min_loss)}) and keeps falling"
                       f"{train}; a longer run would get further.")
    elif verdict == "inconclusive":
        summary = (f"Inconclusive: the {options.get('budget_s')} s time budget allowed only {fit.get('steps')} steps "
                   f"(loss {_fmt(init_loss)} -> {_fmt(fit.get('final_loss'))}); raise --budget.")
    else:
        summary = (f"It does not learn: {why_not} (loss {_fmt(init_loss)} -> {_fmt(fit.get('final_loss'))} in "
                   f"{fit['steps']} steps, batch {_score(fit.get('final_accuracy'), reg)}{train}).")
    headline = summary
    causes = [p for p in probe if p.get("confirmed") and p["category"] != "symptom" and p["severity"] != "info"]
    confirmed = [f for f in findings if f.get("confirmed") is True]
    lead, seen = [], set()
    for rule, text in [(f["rule"], f"{f['rule']} ({f.get('how') or 'measured'}): {f['message']}") for f in confirmed] + \
            [(p["rule"], f"{p['rule']}: {p['message']}") for p in causes if p["rule"] not in ("PRB012", "PRB013", "PRB010")]:
        if rule not in seen:  # one line per rule (a rule found on two layers is said once)
            seen.add(rule)
            lead.append(text)
    if lead:
        summary += (" Confirmed causes: " if verdict != "learns" else " Confirmed: ") + "; ".join(lead[:4]) + (
            "; ..." if len(lead) > 4 else "") + "."
    elif verdict == "does_not_learn":
        if lr_works is not None:
            summary += f" With a learning rate of {_fmt(lr_works)} it fits the batch."
        elif lr_helps is not None:
            summary += f" A learning rate of {_fmt(lr_helps)} lowers the loss, but does not fit the batch either."
        else:
            summary += " No cause was confirmed: no fix or standard repair made it learn."
    if fit.get("stop") == "time" and verdict != "inconclusive":
        summary += f" (The {options.get('budget_s')} s time budget stopped fit-one-batch after {fit.get('steps')} steps.)"
    refuted = sorted({f["rule"] for f in findings if f.get("status") == "not confirmed"})
    na = sorted({f["rule"] for f in findings if f.get("status") == "not applicable"})
    if refuted:
        summary += f" Not confirmed: {', '.join(refuted)}."
    if na:
        summary += f" Not applicable to training: {', '.join(na)}."
    if status == "timeout":
        summary += f" (The {timeout:g} s timeout stopped the probe before every fix was tried.)"
    return headline, summary


def _change(before: Json, after: Json) -> str:
    """What a fix changed, in a few words: "fits in 6 steps instead of 26", "training accuracy 78% to 97%"."""
    b, a = before or {}, after or {}
    if not isinstance(b, dict) or not isinstance(a, dict):
        return ""
    if b.get("nonfinite") and not a.get("nonfinite"):
        return "no NaN/inf with the fix"
    if a.get("fitted") and a.get("steps_to_fit") is not None:
        if b.get("fitted") and b.get("steps_to_fit") is not None:
            if a["steps_to_fit"] < b["steps_to_fit"]:
                return f"fits in {a['steps_to_fit']} steps instead of {b['steps_to_fit']}"
        elif b.get("steps") is not None:
            return f"fits in {a['steps_to_fit']} steps, not in {b['steps']} as written"
    tb, ta = b.get("train_accuracy"), a.get("train_accuracy")
    if isinstance(tb, (int, float)) and isinstance(ta, (int, float)) and ta > tb:
        return f"training accuracy {_pct(tb)} to {_pct(ta)}"
    lb, la = b.get("loss_at_k"), a.get("loss_at_k")
    if isinstance(lb, (int, float)) and isinstance(la, (int, float)) and la < lb:
        return f"loss {_fmt(lb)} to {_fmt(la)} at step {b.get('k') or a.get('k')}"
    return ""


def short_result(f: Json) -> str:
    """The probe's answer about one finding in a few words, for the end of its diagnostic and the report's list of
    causes: "confirmed: fits in 6 steps instead of 26", "probe: no measurable effect"; "" when it has none."""
    status, how = f.get("status"), f.get("how") or ""
    if f.get("source") == "probe":  # the probe's own measurement: its message says it; only a fix's effect is added
        return _change(f.get("before") or {}, f.get("after") or {})
    if status == "confirmed":
        if how == "measured" or (f.get("source") == "static" and not f.get("before") and f.get("confirmed_by")):
            return "confirmed by measurement"
        if how == "necessary":
            return "confirmed: the other fixes need it"
        change = _change(f.get("before") or {}, f.get("after") or {})
        return f"confirmed: {change}" if change else "confirmed"
    if status == "not confirmed":
        return "probe: no measurable effect"
    if status == "undecided":
        return "probe: undecided"
    return ""


def _slow_gain(cr: Json, th: dict[str, float]) -> bool:
    g = cr.get("gains") or {}
    return bool(cr.get("improved")) and ((g.get("speedup") or 0) >= th["slow_speedup"]
                                         or (g.get("train_accuracy") or 0) >= th["slow_train_gain"])


def _fits(fit: Json | None) -> bool:
    return bool(fit and fit.get("fitted") and not collapsed(fit.get("predictions")))


def _run_words(fit: Json | None, held: Json | None, kind: Any) -> str:
    fit = fit or {}
    reg = kind == "regression"
    if fit.get("nonfinite"):
        out = f"hits NaN/inf after {fit.get('steps')} steps"
    elif _fits(fit):
        out = f"fits the batch in {fit.get('steps_to_fit')} steps"
    else:
        out = f"does not fit the batch in {fit.get('steps')} steps ({_score(fit.get('final_accuracy'), reg)})"
    c = collapsed(fit.get("predictions"))
    if c and fit.get("fitted"):
        out = f"predicts {c} for the whole batch"
    if held and "skipped" not in held and held.get("train_accuracy") is not None:
        out += (f", training {'R²' if reg else 'accuracy'} "
                f"{_fmt(held['train_accuracy']) if reg else _pct(held['train_accuracy'])} after {held.get('steps')} steps")
    return out


def _cause_finding(rule: str, path: str, source: str, place: Any, m: "_record.Measurement", fit: Json,
                   held: Json | None, res: Json | None, remedy: str, th: dict[str, float], supports: Any) -> Json:
    """A cause measured in the data (PRB011/014/015/016: its check's hit on the record), with its remedy's
    before/after where it ran."""
    kind = m.kind
    (hit,) = [h for h in PROBE_CHECKS[rule].hits(m, th) if h.subject == "cause"]
    msg, ev, where = hit.message, hit.evidence, place(hit)
    before, after = {}, {}
    if res is not None and res.get("status") == "ok":
        after_fit, after_held = res.get("fit"), res.get("held_out")
        works = _fits(after_fit) or above_chance((after_held or {}).get("train_accuracy"), (after_held or {}).get("chance"),
                                                 (after_held or {}).get("train_samples"), kind, th) is True
        ev += f"; as written it {_run_words(fit, held, kind)}; with {remedy} it {_run_words(after_fit, after_held, kind)}"
        ev += " (the remedy makes it learn)" if works else " (the remedy alone does not make it learn)"
        before = fit_numbers(fit, None, held)
        after = fit_numbers(after_fit, None, after_held)
        after["remedy"] = remedy
    elif res is not None:
        ev += f"; the remedy could not be built: {res.get('exc_type')}: {res.get('message')}"
    return _finding(rule, path, source, where, msg, ev, confirmed=True, before=before, after=after,
                    confirms=supports(rule), data={"remedy": remedy} if remedy else None)


def _repair_finding(rep: Json, tried: list[Any], path: str, source: str, compile_where: Any, fit_where: Any, orig: Json,
                    fit: Json, kind: Any) -> Json:
    key = rep["key"][2:]
    text = _plan.DESCRIBE.get(key, key)
    names = [r["key"][2:] for r in tried]
    lr = orig.get("learning_rate")
    where = compile_where if key in ("lr_x10", "lr_div10", "adam") else fit_where
    if key in ("relu_he",):
        hid: Json = next((l for l in orig.get("layers") or [] if l.get("activation") in _plan.SATURATING and not l.get("output")), {})
        where = {"line": hid.get("line")} if hid.get("line") else where
    msg = f"it does not learn as written; with {text} it does"
    if key.startswith("lr_") and lr:
        new = lr * (10 if key == "lr_x10" else 0.1)
        msg = f"learning rate {_fmt(lr)} does not train this model; {_fmt(new)} does ({text})"
    ev = (f"repairs tried from the same initial weights, smallest first: {', '.join(names)}; as written it "
          f"{_run_words(fit, None, kind)}; with {text} it {_run_words(rep.get('fit'), None, kind)}")
    fix = None
    if key.startswith("lr_") and lr:
        new_lr = float(f"{lr * (10 if key == 'lr_x10' else 0.1):.3g}")
        fix = literal_fix(source, lr, repr(new_lr), (compile_where or {}).get("line"), f"use learning rate {new_lr:g}")
    return _attach_fix(_finding("PRB018", path, source, where, msg, ev, confirmed=True,
                    before=fit_numbers(fit), after={**fit_numbers(rep.get("fit")), "repair": text,
                                                    "learning_rate": rep.get("learning_rate")},
                    category="learning_rate" if key.startswith("lr_") else (
                        "preprocessing" if key in ("std_x", "std_y") else "optimizer" if key == "adam" else
                        "activation" if key == "relu_he" else "layers"),
                    data={"repair": key, "learning_rate": rep.get("learning_rate") if key.startswith("lr_") else None}), fix)


def literal_fix(source: str, value: Any, new_text: str, line: int | None, title: str) -> Json | None:
    """A one-edit fix replacing the numeric literal equal to `value` with `new_text`: the one on `line` if there
    is one, else the only such literal in the file (a rate set in a variable). None when it is ambiguous."""
    import io
    import tokenize

    if value is None:
        return None
    hits = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type != tokenize.NUMBER:
                continue
            try:
                v = float(tok.string.replace("_", ""))
            except ValueError:
                continue
            if math.isclose(v, float(value), rel_tol=1e-6, abs_tol=0.0):
                hits.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    on_line = [t for t in hits if t.start[0] == line]
    pick = on_line[0] if len(on_line) == 1 else hits[0] if len(hits) == 1 else None
    if pick is None:
        return None
    (l1, c1), (l2, c2) = pick.start, pick.end
    return {"title": title, "safe": False, "edits": [{"line": l1, "column": c1 + 1, "end_line": l2, "end_column": c2 + 1,
                                                       "new_text": new_text}]}


def _attach_fix(finding: Json, fix: Json | None) -> Json:
    if fix:
        finding["fix"] = fix
        finding["fixable"] = True
    return finding


def _epochs_finding(path: str, source: str, fit_where: Any, m: "_record.Measurement", th: dict[str, float]) -> Json | None:
    """PRB017 (decided on the record), with an edit of the script's epochs literal where there is one."""
    for h in PROBE_CHECKS["PRB017"].hits(m, th):
        data = h.data or {}  # (PRB017's hits carry both numbers)
        epochs, projected = data["epochs"], data["projected_epochs"]
        fix = literal_fix(source, epochs, str(projected), (fit_where or {}).get("line"),
                          f"train for {projected} epochs") if m.epochs is not None else None
        return _attach_fix(_finding("PRB017", path, source, fit_where, h.message, h.evidence, confirmed=True,
                                    data=h.data), fix)
    return None


def _thin(rows: list[Any], n: int) -> list[Any]:
    if len(rows) <= n:
        return rows
    step = len(rows) / n
    return [rows[int(i * step)] for i in range(n)]


# ----------------------------------------------------------------------------- text and plots

VERDICT_TEXT = {"learns": "LEARNS", "learns_slowly": "LEARNS SLOWLY", "does_not_learn": "DOES NOT LEARN",
                "inconclusive": "INCONCLUSIVE", "error": "ERROR"}
VERDICT_STYLE = {"learns": "bold green", "learns_slowly": "bold yellow", "does_not_learn": "bold red",
                 "inconclusive": "bold magenta", "error": "bold red"}


def _where(item: Json) -> str:
    """An item's line as `learnability check` writes it: `12`, or nbqa's `cell_3:2` in a notebook."""
    line = str(item.get("line") or "")
    return f"cell_{item['cell']}:{line}" if item.get("cell") and line else line


def render_text(report: Json, console: Any = None) -> None:
    """Print a readable report with rich."""
    import sys

    from rich.console import Console
    from rich.table import Table

    con = console or Console(width=None if sys.stdout.isatty() else 120)
    v = report["verdict"]
    con.print(f"[bold]{report['file']}[/bold]")
    be = (report.get("metrics") or {}).get("backend") or {}
    on = f"   backend: {be['name']} {be.get('version') or ''} ({be.get('source')})" if be.get("name") else ""
    con.print(f"Verdict: [{VERDICT_STYLE.get(v, 'bold')}]{VERDICT_TEXT.get(v, v)}[/]   device: {report.get('device') or 'n/a'}"
              f"{on}", highlight=False)
    con.print(report.get("summary", ""), highlight=False, soft_wrap=True)
    layers = report.get("layers") or []
    if layers:
        t = Table(title="Per layer (fit-one-batch run, as written)", title_justify="left")
        for col in ("layer", "kind", "line", "grad norm", "saturated", "dead", "update ratio"):
            t.add_column(col, justify="right" if col not in ("layer", "kind") else "left")
        for l in layers:
            t.add_row(l["name"], l["kind"], _where(l), _fmt(l.get("grad_norm")),
                      _pct(l.get("saturation")) if l.get("saturation") is not None else "",
                      _pct(l.get("dead_fraction")) if l.get("dead_fraction") is not None else "",
                      _fmt(l.get("update_ratio")) if l.get("update_ratio") is not None else "")
        con.print(t)
    m = report.get("metrics") or {}
    fob = m.get("fit_one_batch") or {}
    if fob:
        ho = m.get("held_out") or {}
        line = (f"fit-one-batch: {'fitted in ' + str(fob.get('steps_to_fit')) + ' steps' if fob.get('fitted') else 'not fitted in ' + str(fob.get('steps')) + ' steps'}"
                f", loss {_fmt(m.get('init_loss'))} at init (chance {_fmt(m.get('expected_init_loss'))})")
        if ho and "skipped" not in ho:
            line += (f"; held-out accuracy {_pct(ho.get('held_out_accuracy'))} vs chance {_pct(ho.get('chance'))} "
                     f"(training {_pct(ho.get('train_accuracy'))})")
        con.print(line, highlight=False, soft_wrap=True)
    fs = report.get("findings") or []
    if fs:
        con.print("\n[bold]Findings[/bold]")
    for f in fs:
        status = f.get("status") or {True: "confirmed", False: "not confirmed", None: "not tested"}[f.get("confirmed")]
        style = {"confirmed": "green", "not confirmed": "yellow", "symptom": "magenta"}.get(status, "dim")
        mark = f"[{style}]{status}{' (' + f['how'] + ')' if f.get('how') else ''}[/{style}]"
        con.print(f"{_where(f)}:{f['column']} [bold]{f['rule']}[/bold] {mark}  {f['message']}", highlight=False, soft_wrap=True)
        if f.get("evidence"):
            con.print(f"    evidence: {f['evidence']}", highlight=False, style="dim" if f.get("confirmed") is None else "",
                      soft_wrap=True)
        if f.get("before") and f.get("after"):
            b, a = f["before"], f["after"]
            con.print(f"    before: {_nums(b)}", highlight=False, soft_wrap=True)
            con.print(f"    after:  {_nums(a)}", highlight=False, soft_wrap=True)
        if f.get("confirms"):
            con.print(f"    confirms: {', '.join(f['confirms'])}", highlight=False, soft_wrap=True)
    tm = report.get("timing") or {}
    if tm:
        con.print(f"\n[dim]{tm.get('total_s')} s in all ({'warm worker' if tm.get('warm') else 'cold start'}"
                  + (f", {_backend_title(report)} import {tm.get('tf_import_s')} s" if not tm.get('warm') and tm.get('tf_import_s') else "")
                  + ")[/dim]")
    if report.get("plots"):
        for k, p in report["plots"].items():
            con.print(f"[dim]plot ({k}): {p}[/dim]")


def _nums(d: Json) -> str:
    keys = [("fitted", "fitted"), ("steps_to_fit", "steps to fit"), ("steps", "steps"), ("loss_at_k", "loss@K"),
            ("k", "K"), ("final_accuracy", "batch acc"), ("held_out_accuracy", "held-out acc"),
            ("learning_rate", "lr"), ("learning_rate_that_works", "lr that works")]
    return ", ".join(f"{label} {_fmt(d[k])}" for k, label in keys if d.get(k) is not None)


def write_plots(report: Json, folder: str) -> Json:
    """Loss curves (as written vs each fix) and per-layer gradient norms, as PNGs (matplotlib, Agg)."""
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(folder, exist_ok=True)
    stem = os.path.splitext(os.path.basename(report["file"]))[0]
    out = {}
    curves = report.get("curves") or {}
    if curves:
        fig, ax = plt.subplots(figsize=(7, 4))
        for key, ys in curves.items():
            pts = [(i, y) for i, y in enumerate(ys) if y is not None]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], label="as written" if key == "as_written" else f"with fix {key}")
        ax.set_xlabel("step (fit one batch)")
        ax.set_ylabel("loss")
        ax.set_yscale("log")
        ax.set_title(f"{stem}: {VERDICT_TEXT.get(report['verdict'], report['verdict'])}")
        ax.legend()
        fig.tight_layout()
        out["loss"] = os.path.join(folder, f"{stem}_loss.png")
        fig.savefig(out["loss"], dpi=100)
        plt.close(fig)
    grads = (report.get("metrics") or {}).get("gradients") or {}
    if grads.get("norms"):
        fig, ax = plt.subplots(figsize=(7, 4))
        for i, name in enumerate(grads["layers"]):
            ys = [row[i] if i < len(row) and row[i] and row[i] > 0 else None for row in grads["norms"]]
            pts = [(j, y) for j, y in enumerate(ys) if y is not None]
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], label=name)
        ax.set_yscale("log")
        ax.set_xlabel("step (sampled)")
        ax.set_ylabel("gradient norm")
        ax.set_title(f"{stem}: per-layer gradient norms (as written)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        out["gradients"] = os.path.join(folder, f"{stem}_gradients.png")
        fig.savefig(out["gradients"], dpi=100)
        plt.close(fig)
    report["plots"] = out
    return out
