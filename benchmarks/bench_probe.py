"""Probe wall time on the article's examples, cold and warm, against the article's own 5-epoch training,
on each Keras backend the interpreter has (TensorFlow, JAX, PyTorch).

For each backend and example:
- cold: the first probe with no worker running (starting the interpreter and importing Keras and its
  backend included), as `learnability probe FILE` pays it from a terminal;
- warm: a second probe of the same file (the worker and the backend already loaded), as the editor pays it;
- the article's training as written (its `model.fit(..., epochs=5)`), run as its own process in the same
  interpreter and backend: its whole wall time (imports included) and the `fit` call alone.

The device each backend used (CPU, or the GPU's name and memory) is printed. Usage:

    .venv/bin/python benchmarks/bench_probe.py                 # the three buggy programs, every backend
    .venv/bin/python benchmarks/bench_probe.py --all --json out.json
    .venv/bin/python benchmarks/bench_probe.py --backends jax,torch tests/fixtures/article2_high_lr.py --repeat 3

On a machine without TensorFlow (the article's programs import `tensorflow.keras`), each program is probed
as a copy whose imports read `keras` instead (`from tensorflow import keras` -> `import keras`); nothing
else changes. On a machine without Keras and without a package registry (a GPU machine with only PyTorch
and JAX), bring Keras along as wheels (about 35 MB with its dependencies; never committed) and pass
`--wheels DIR`: a virtual environment DIR/venv is made over the interpreter's own packages
(--system-site-packages, so its JAX, PyTorch and numpy are the ones used), what it lacks is installed from
DIR offline (`pip install --no-index --find-links DIR keras libcst ...`), and the benchmark runs again
in it; nothing is installed into the interpreter itself. Make DIR on a machine that reaches PyPI, for
the GPU machine's Python and platform:

    pip download keras libcst rich pathspec pygls lsprotocol --only-binary=:all: \\
        --python-version 3.11 --platform manylinux2014_x86_64 -d wheels/
    python benchmarks/bench_probe.py --wheels wheels/ --all --json bench.json     # on the GPU machine
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

BACKENDS = ("tensorflow", "jax", "torch")
BUGGY = ["article2_high_lr", "article1_sigmoid_scaled", "article3_constant_inputs"]
FIXED = ["article2_fixed", "article1_fixed", "article3_fixed"]

TRAIN_DRIVER = r"""
import json, os, sys, time, runpy
t0 = time.perf_counter()
import keras
keras.ops.add(1, 1)  # the backend imported and initialised
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


def train_as_written(path: Path, python: str, backend: str) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND=backend)
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


def _worker_tree() -> list[int]:
    """The warm workers' processes: each guardian and the harness below it (guard.py), where the work is."""
    from learnability.probe.guard import descendants

    return [p for w in runner.worker_pids() for p in [w, *descendants(w)]]


def probe_once(path: Path, python: str, budget: float | None) -> dict:
    before = {pid: _cpu_of(pid) for pid in _worker_tree()}
    t = time.perf_counter()
    report = runner.run_probe(str(path), python=python, budget_s=budget)
    wall = time.perf_counter() - t
    cpu = sum(_cpu_of(pid) - before.get(pid, 0.0) for pid in _worker_tree())
    cfs = [k for k in report.get("curves", {}) if k != "as_written"]
    return {"wall_s": wall, "cpu_s": cpu, "verdict": report["verdict"], "device": report.get("device"),
            "counterfactuals": cfs, "timing": report.get("timing", {}),
            "backend": (report.get("metrics") or {}).get("backend"),
            "confirmed": sorted({f["rule"] for f in report["findings"] if f.get("confirmed") is True}),
            "not_confirmed": sorted({f["rule"] for f in report["findings"] if f.get("confirmed") is False})}


def _has(python: str, module: str, env: dict | None = None) -> bool:
    code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"
    return subprocess.run([python, "-c", code], capture_output=True, env=env).returncode == 0


WHEEL_PACKAGES = ["keras", "libcst", "rich", "pathspec", "pygls", "lsprotocol"]  # the probe's, and Learnability's


def use_wheels(python: str, folder: Path) -> str:
    """An interpreter that has Keras (and Learnability's own dependencies): a virtual environment in
    folder/venv over `python`'s packages (--system-site-packages: its JAX, PyTorch, numpy stay the ones
    used), with what it lacks installed from the wheels in `folder`, offline. Made once; returns its python."""
    venv = folder / "venv"
    vpy = venv / "bin" / "python"
    if not vpy.exists():
        subprocess.run([python, "-m", "venv", "--system-site-packages", str(venv)], check=True)
        # `python` may itself be a virtual environment (or conda's): its own site folders go on the new one's
        # path too, so pip sees its packages as installed and adds only what is missing
        code = "import json, site, sysconfig; print(json.dumps([sysconfig.get_paths()[k] for k in ('purelib', 'platlib')] + site.getsitepackages()))"
        base = json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout)
        purelib = subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        Path(purelib, "_learnability_bench_base.pth").write_text("\n".join(dict.fromkeys(base)) + "\n")
        subprocess.run([str(vpy), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(folder),
                        *WHEEL_PACKAGES], check=True)
    return str(vpy)


def keras_only_copy(path: Path, out_dir: Path) -> Path:
    """The program with `tensorflow.keras` imports read from `keras` (for an interpreter without TensorFlow)."""
    import re

    text = path.read_text()
    text = re.sub(r"^from tensorflow import keras\b", "import keras", text, flags=re.M)
    text = re.sub(r"\btensorflow\.keras\b", "keras", text)
    if not re.search(r"\btf\.", text):
        text = re.sub(r"^import tensorflow as tf\n", "", text, flags=re.M)
    out = out_dir / path.name
    out.write_text(text)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="scripts to probe (default: the article's three buggy programs)")
    ap.add_argument("--all", action="store_true", help="the six article programs (buggy and corrected)")
    ap.add_argument("--backends", default=None,
                    help="comma-separated Keras backends (default: each of tensorflow, jax, torch the interpreter has)")
    ap.add_argument("--wheels", default=None, help="a folder of wheels to take Keras from (see above)")
    ap.add_argument("--repeat", type=int, default=1, help="cold/warm pairs per file (medians are reported)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--budget", type=float, default=None, help="per-phase time cap (the step budget decides)")
    ap.add_argument("--json", default=None, help="write the raw figures here")
    args = ap.parse_args()
    if args.wheels and not os.environ.get("LEARNABILITY_BENCH_VENV"):
        vpy = use_wheels(args.python, Path(args.wheels).resolve())
        argv = [a for a in sys.argv[1:]]
        if "--python" not in argv:
            argv += ["--python", vpy]
        os.environ["LEARNABILITY_BENCH_VENV"] = vpy
        os.execv(vpy, [vpy, __file__, *argv])  # the benchmark itself needs libcst (static analysis) too
    names = args.files or [str(ROOT / "tests" / "fixtures" / f"{n}.py") for n in (BUGGY + FIXED if args.all else BUGGY)]
    backends = args.backends.split(",") if args.backends else [b for b in BACKENDS if _has(args.python, b)]
    if not backends or not _has(args.python, "keras"):
        print(f"{args.python} has no Keras backend to probe with (or no Keras; see --wheels)", file=sys.stderr)
        return 2
    paths = [Path(n).resolve() for n in names]
    if not _has(args.python, "tensorflow"):
        import tempfile

        copies = Path(tempfile.mkdtemp(prefix="bench-probe-"))
        paths = [keras_only_copy(p, copies) for p in paths]
        print(f"no TensorFlow in {args.python}: probing copies that import keras instead ({copies})")
    rows = []
    devices: dict[str, str] = {}
    try:
        load0 = os.getloadavg()
    except OSError:
        load0 = None
    for backend in backends:
        os.environ["KERAS_BACKEND"] = backend  # what the probe (backend.detect) and the training runs read
        for path in paths:
            colds, warms, trains = [], [], []
            for _ in range(args.repeat):
                runner.shutdown()  # no worker: the next probe is cold
                colds.append(probe_once(path, args.python, args.budget))
                warms.append(probe_once(path, args.python, args.budget))
                trains.append(train_as_written(path, args.python, backend))
            runner.shutdown()
            be = colds[0].get("backend") or {}
            devices[backend] = f"{colds[0]['device']} ({be.get('name')} {be.get('version')}, keras {be.get('keras')})"
            med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
            row = {"backend": backend, "file": path.name, "cold_s": med(colds, "wall_s"), "warm_s": med(warms, "wall_s"),
                   "cold_cpu_s": med(colds, "cpu_s"), "warm_cpu_s": med(warms, "cpu_s"),
                   "train_cpu_s": med(trains, "cpu_s"),
                   "import_s": statistics.median(c["timing"].get("tf_import_s") or 0 for c in colds),
                   "train_total_s": med(trains, "total_s"), "train_fit_s": med(trains, "fit_s"),
                   "verdict": warms[0]["verdict"], "counterfactuals": warms[0]["counterfactuals"],
                   "confirmed": warms[0]["confirmed"], "not_confirmed": warms[0]["not_confirmed"],
                   "same_verdict_cold_warm": all(c["verdict"] == w["verdict"] for c, w in zip(colds, warms)),
                   "runs": {"cold": colds, "warm": warms, "train": trains}}
            rows.append(row)
            print(f"{backend} {row['file']}: cold {row['cold_s']:.1f} s, warm {row['warm_s']:.1f} s, training as "
                  f"written {row['train_total_s']:.1f} s (fit {row['train_fit_s']:.1f} s); {row['verdict']}", flush=True)
    print()
    for backend, dev in devices.items():
        print(f"{backend}: {dev}")
    print(f"host: {platform.node()} ({os.cpu_count()} cores), python {platform.python_version()}")
    try:
        load = os.getloadavg()
        print(f"load average (1 min) at the start: {load0[0]:.1f}, at the end: {load[0]:.1f} "
              f"(other work on the machine slows every figure alike)")
    except (OSError, TypeError):
        pass
    print()
    print("| backend | program | counterfactual runs | probe cold: wall / CPU (s) | probe warm: wall / CPU (s) | "
          "Keras + backend import in the cold probe (s) | 5-epoch training as written: whole run wall / CPU, fit alone (s) "
          "| verdict | confirmed |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cf = ", ".join(r["counterfactuals"]) or "none"
        print(f"| {r['backend']} | {r['file']} | {len(r['counterfactuals'])} ({cf}) | {r['cold_s']:.1f} / {r['cold_cpu_s']:.1f} | "
              f"{r['warm_s']:.1f} / {r['warm_cpu_s']:.1f} | {r['import_s']:.1f} | "
              f"{r['train_total_s']:.1f} / {r['train_cpu_s']:.1f}, fit {r['train_fit_s']:.1f} | {r['verdict']} | "
              f"{', '.join(r['confirmed']) or '-'} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"devices": devices, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
