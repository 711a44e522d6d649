"""Probe wall time on the article's examples, cold and warm, against the article's own 5-epoch training.

For each example:
- cold: the first probe with no worker running (starting the interpreter and importing TensorFlow
  included), as `learnability probe FILE` pays it from a terminal;
- warm: a second probe of the same file (the worker and TensorFlow already loaded), as the editor pays it;
- the article's training as written (its `model.fit(..., epochs=5)`), run as its own process in the same
  interpreter: its whole wall time (TensorFlow import included) and the `fit` call alone.

Runs wherever TensorFlow runs; the device (CPU or GPU) the probe used is printed. Usage:

    .venv/bin/python benchmarks/bench_probe.py                 # the three buggy programs
    .venv/bin/python benchmarks/bench_probe.py --all --json out.json
    .venv/bin/python benchmarks/bench_probe.py tests/fixtures/article2_high_lr.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from learnability.probe import runner  # noqa: E402

BUGGY = ["article2_high_lr", "article1_sigmoid_scaled", "article3_constant_inputs"]
FIXED = ["article2_fixed", "article1_fixed", "article3_fixed"]

TRAIN_DRIVER = r"""
import json, os, sys, time, runpy
t0 = time.perf_counter()
import tensorflow as tf
import keras
t1 = time.perf_counter()
spent = []
orig = keras.Model.fit
def fit(self, *a, **k):
    t = time.perf_counter()
    out = orig(self, *a, **k)
    spent.append(time.perf_counter() - t)
    return out
keras.Model.fit = fit
runpy.run_path(sys.argv[1], run_name="__main__")
print("@@RESULT@@" + json.dumps({"import_s": t1 - t0, "fit_s": sum(spent), "total_s": time.perf_counter() - t0}))
"""


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) used so far by a live process, from /proc (Linux); 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def train_as_written(path: Path, python: str) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    cpu0 = _children_cpu()
    t = time.perf_counter()
    proc = subprocess.run([python, "-c", TRAIN_DRIVER, str(path)], capture_output=True, text=True, env=env,
                          cwd=str(path.parent))
    wall = time.perf_counter() - t
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith("@@RESULT@@"):
            out = json.loads(line[len("@@RESULT@@"):])
            out["wall_s"] = wall
            out["cpu_s"] = _children_cpu() - cpu0
            return out
    raise RuntimeError(f"training {path} failed: {proc.stderr[-1000:]}")


def probe_once(path: Path, python: str, budget: float | None) -> dict:
    before = {pid: _cpu_of(pid) for pid in runner.worker_pids()}
    t = time.perf_counter()
    report = runner.run_probe(str(path), python=python, budget_s=budget)
    wall = time.perf_counter() - t
    cpu = sum(_cpu_of(pid) - before.get(pid, 0.0) for pid in runner.worker_pids())
    cfs = [k for k in report.get("curves", {}) if k != "as_written"]
    return {"wall_s": wall, "cpu_s": cpu, "verdict": report["verdict"], "device": report.get("device"),
            "counterfactuals": cfs, "timing": report.get("timing", {}),
            "confirmed": sorted({f["rule"] for f in report["findings"] if f.get("confirmed") is True}),
            "not_confirmed": sorted({f["rule"] for f in report["findings"] if f.get("confirmed") is False})}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="scripts to probe (default: the article's three buggy programs)")
    ap.add_argument("--all", action="store_true", help="the six article programs (buggy and corrected)")
    ap.add_argument("--repeat", type=int, default=1, help="cold/warm pairs per file (medians are reported)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--budget", type=float, default=None, help="per-phase time cap (the step budget decides)")
    ap.add_argument("--json", default=None, help="write the raw figures here")
    args = ap.parse_args()
    names = args.files or [str(ROOT / "tests" / "fixtures" / f"{n}.py") for n in (BUGGY + FIXED if args.all else BUGGY)]
    rows = []
    device = None
    try:
        load0 = os.getloadavg()
    except OSError:
        load0 = None
    for name in names:
        path = Path(name).resolve()
        colds, warms, trains = [], [], []
        for _ in range(args.repeat):
            runner.shutdown()  # no worker: the next probe is cold
            colds.append(probe_once(path, args.python, args.budget))
            warms.append(probe_once(path, args.python, args.budget))
            trains.append(train_as_written(path, args.python))
        runner.shutdown()
        device = colds[0]["device"] or device
        med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
        row = {"file": path.name, "cold_s": med(colds, "wall_s"), "warm_s": med(warms, "wall_s"),
               "cold_cpu_s": med(colds, "cpu_s"), "warm_cpu_s": med(warms, "cpu_s"), "train_cpu_s": med(trains, "cpu_s"),
               "tf_import_s": statistics.median(c["timing"].get("tf_import_s") or 0 for c in colds),
               "train_total_s": med(trains, "total_s"), "train_fit_s": med(trains, "fit_s"),
               "verdict": warms[0]["verdict"], "counterfactuals": warms[0]["counterfactuals"],
               "confirmed": warms[0]["confirmed"], "not_confirmed": warms[0]["not_confirmed"],
               "same_verdict_cold_warm": all(c["verdict"] == w["verdict"] for c, w in zip(colds, warms)),
               "runs": {"cold": colds, "warm": warms, "train": trains}}
        rows.append(row)
        print(f"{row['file']}: cold {row['cold_s']:.1f} s, warm {row['warm_s']:.1f} s, training as written "
              f"{row['train_total_s']:.1f} s (fit {row['train_fit_s']:.1f} s); {row['verdict']}", flush=True)
    print()
    print(f"device: {device}; host: {platform.node()} ({os.cpu_count()} cores), python {platform.python_version()}")
    try:
        load = os.getloadavg()
        print(f"load average (1 min) at the start: {load0[0]:.1f}, at the end: {load[0]:.1f} "
              f"(other work on the machine slows every figure alike)")
    except OSError:
        pass
    print()
    print("| program | counterfactual runs | probe cold: wall / CPU (s) | probe warm: wall / CPU (s) | TF import in the cold probe (s) | 5-epoch training as written: whole run wall / CPU, fit alone (s) | verdict |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        cf = ", ".join(r["counterfactuals"]) or "none"
        print(f"| {r['file']} | {len(r['counterfactuals'])} ({cf}) | {r['cold_s']:.1f} / {r['cold_cpu_s']:.1f} | "
              f"{r['warm_s']:.1f} / {r['warm_cpu_s']:.1f} | {r['tf_import_s']:.1f} | "
              f"{r['train_total_s']:.1f} / {r['train_cpu_s']:.1f}, fit {r['train_fit_s']:.1f} | {r['verdict']} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"device": device, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
