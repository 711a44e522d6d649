"""Benchmark `learnability check`: cold analysis and cached re-analysis after one-line edits.

    .venv/bin/python benchmarks/bench_check.py            # markdown table on stdout
    .venv/bin/python benchmarks/bench_check.py --save DIR # also write the generated files
    .venv/bin/python benchmarks/bench_check.py --files 1000 --jobs 1,2   # `check` over many files

`--files N` times the real command, `learnability check FOLDER --jobs J` (a new process each run, so
startup and the worker processes are counted), over N generated files of 60 to 400 lines each, for
each J, alternating, and checks that every J prints the same output; with `--cpu`, it samples the CPU
time of the command, its fork server and each worker instead (for a machine whose cores are busy with
other work, where wall time cannot show parallel speed). `--break-even` times 1 vs 2
workers on small folders, with the size floor for starting workers (cli.BYTES_PER_WORKER) off.

Two realistic Keras scripts (about 300 and 2,000 lines) are generated deterministically:
imports, data loading and preprocessing, several model builders (Sequential, functional,
`.add`), compile/fit/evaluate blocks, callbacks, helper functions, loops and a training class.
Every figure is also given as a ratio to `ast.parse` of the same text measured in the same run; the
one-line edits also paired, each with an `ast.parse` timed just before it (steadier when the load swings).
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from learnability.engine import Analyzer  # noqa: E402
from learnability.parallel import available_cores  # noqa: E402

HEADER = '''"""Image classification experiments: data, models, training and reporting."""
from __future__ import annotations

import json
import math
import os
import time

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers, callbacks
from tensorflow.keras.optimizers import Adam, SGD

SEED = 1234
BATCH_SIZE = 64
EPOCHS = 12
NUM_CLASSES = 10
LEARNING_RATE = 1e-3
IMG_SHAPE = (32, 32, 3)
np.random.seed(SEED)
tf.random.set_seed(SEED)

(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0
y_train = y_train.reshape(-1)
y_test = y_test.reshape(-1)
'''

BLOCK = '''

# --------------------------------------------------------------------------- experiment {i}
def build_cnn_{i}(filters={f}, dropout={d}):
    """A small VGG-style network, variant {i}."""
    model = keras.Sequential([
        keras.Input(shape=IMG_SHAPE),
        layers.Conv2D(filters, (3, 3), padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.Conv2D(filters, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Dropout(dropout),
        layers.Conv2D(filters * 2, (3, 3), padding="same", activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense({units}, activation="relu"),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ])
    return model


def build_functional_{i}(width={units}):
    inputs = keras.Input(shape=IMG_SHAPE)
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(width, activation="relu")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="functional_{i}")


def augment_{i}(images, labels):
    images = tf.image.random_flip_left_right(images)
    images = tf.image.random_brightness(images, max_delta=0.{d1})
    return images, labels


class History{i}(callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {{}}
        if epoch % 5 == 0:
            print(f"[{i}] epoch {{epoch}}: loss={{logs.get('loss', math.nan):.4f}}")


lr_{i} = LEARNING_RATE * {m}
model_{i} = build_cnn_{i}()
model_{i}.compile(
    optimizer=Adam(learning_rate=lr_{i}),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history_{i} = model_{i}.fit(
    x_train, y_train,
    validation_split=0.1,
    epochs=EPOCHS,
    batch_size=BATCH_SIZE,
    callbacks=[History{i}(), callbacks.EarlyStopping(patience=3)],
)
score_{i} = model_{i}.evaluate(x_test, y_test, verbose=0)
results = {{"experiment": {i}, "loss": float(score_{i}[0]), "accuracy": float(score_{i}[1])}}
with open(os.path.join("runs", "exp_{i}.json"), "w") as fh:
    json.dump(results, fh)
for epoch_acc in history_{i}.history.get("val_accuracy", []):
    if epoch_acc > 0.9:
        print("experiment {i} reached 90%")
        break
'''


def generate(target_lines: int, first: int = 0) -> str:
    text = HEADER
    i = first
    while text.count("\n") < target_lines:
        text += BLOCK.format(i=i, f=16 * (1 + i % 4), d=0.2 + 0.05 * (i % 4), d1=1 + i % 5, units=64 * (1 + i % 3),
                             m=1 + i % 3)
        i += 1
    lines = text.splitlines(keepends=True)[:target_lines]
    # cut at a top-level statement boundary so the file stays valid Python
    while lines and (lines[-1].startswith((" ", "\t")) or not lines[-1].strip() or lines[-1].startswith(("def", "class", "@"))
                     or lines[-1].rstrip().endswith((":", "(", "[", ","))):
        lines.pop()
    out = "".join(lines)
    ast.parse(out)
    return out


CLOCK = time.perf_counter  # --cpu switches to time.process_time (steadier on a busy machine)


def timed(fn, *args) -> float:
    t0 = CLOCK()
    fn(*args)
    return (CLOCK() - t0) * 1000


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def one_line_edits(text: str, count: int) -> list[str]:
    """`count` versions of `text`, each with one line changed (a number or a string inside a statement)."""
    lines = text.splitlines(keepends=True)
    candidates = [n for n, line in enumerate(lines) if "activation=\"relu\"" in line or "patience=" in line]
    step = max(1, len(candidates) // count)
    picks = candidates[::step][:count]
    out = []
    for k, n in enumerate(picks):
        edited = list(lines)
        if "patience=" in edited[n]:
            edited[n] = edited[n].replace("patience=3", f"patience={4 + k}")
        else:
            edited[n] = edited[n].replace('activation="relu"', 'activation="elu"', 1)
        out.append("".join(edited))
    return out


def bench(text: str, repeats: int, edits: int) -> dict[str, float]:
    ast_ms = statistics.median(timed(ast.parse, text) for _ in range(repeats))
    cold = [timed(Analyzer().analyze, text, "bench.py") for _ in range(repeats)]
    analyzer = Analyzer()
    analyzer.analyze(text, "bench.py")
    variants = one_line_edits(text, edits)
    warm = []
    ratios = []  # each edit against an ast.parse of the file timed just before it (the same minutes' load)
    for edited in variants:
        gc.collect()  # what the previous analysis left is not counted against the ast.parse
        parse = timed(ast.parse, text)
        warm.append(timed(analyzer.analyze, edited, "bench.py"))
        ratios.append(warm[-1] / parse)
        analyzer.analyze(text, "bench.py")  # back to the original (cached) before the next edit
    unchanged = statistics.median(timed(analyzer.analyze, text, "bench.py") for _ in range(repeats))
    return {
        "lines": text.count("\n") + 1, "ast": ast_ms, "cold": statistics.median(cold), "cold_p95": percentile(cold, 0.95),
        "edit": statistics.median(warm), "edit_p95": percentile(warm, 0.95), "edits": len(warm), "same": unchanged,
        "pair": statistics.median(ratios),
    }


def write_project(folder: Path, files: int) -> int:
    """`files` generated scripts (60 to 400 lines, all different) under `folder`, ten folders; total bytes."""
    total = 0
    for k in range(files):
        text = generate(60 + (k * 37) % 341, first=k * 40)
        if k % 5 == 0:  # some files with findings (LRN101), so the outputs compared below say something
            text = text.replace('padding="same", activation="relu"', 'padding="same", activation="sigmoid"', 1)
        path = folder / f"group_{k % 10}" / f"experiment_{k}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        total += len(text.encode())
    return total


def check_command() -> list[str]:
    script = Path(sys.executable).with_name("learnability")  # the console script, as users run it
    return [str(script)] if script.exists() else [sys.executable, "-m", "learnability"]


def run_check(folder: Path, jobs: int, prefix: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([*prefix, "check", ".", "--jobs", str(jobs), "--format", "json"], cwd=folder,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check --jobs {jobs} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, proc.stdout


def _cpu_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far) for every process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return out


def run_check_cpu(folder: Path, jobs: int, prefix: list[str]) -> dict[str, object]:
    """Run the check and sample the CPU time of every process it starts (every 0.1 s, /proc): the
    command itself, its fork server (and resource tracker), and each worker (the fork server's children)."""
    proc = subprocess.Popen([*prefix, "check", ".", "--jobs", str(jobs), "--format", "json"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu: dict[int, float] = {}
    depth: dict[int, int] = {}
    while proc.poll() is None:
        table = _cpu_table()
        if proc.pid in table:
            cpu[proc.pid], depth[proc.pid] = table[proc.pid][1], 0
        for _ in range(3):  # children, grandchildren
            for pid, (ppid, seconds) in table.items():
                if ppid in depth and pid != proc.pid:
                    depth[pid] = depth[ppid] + 1
                    cpu[pid] = seconds
        time.sleep(0.1)
    helpers = [cpu[p] for p in cpu if depth[p] == 1]
    workers = [cpu[p] for p in cpu if depth[p] == 2]
    return {"command": cpu.get(proc.pid, 0.0), "helpers": sum(helpers), "workers": sorted(workers, reverse=True)}


def bench_cpu(files: int, jobs: list[int]) -> None:
    """Where the CPU goes with each --jobs, and the wall time that gives on idle cores (a model, for a
    machine whose cores are busy with other work: then wall time says little about parallel speed)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_project(folder, files)
        rows = []
        for j in jobs:
            load = os.getloadavg()[0]
            r = run_check_cpu(folder, j, check_command())
            workers = r["workers"]
            total = r["command"] + r["helpers"] + sum(workers)
            # on j idle cores: the fork server's imports, then the workers in parallel (the parent's own
            # CPU, reading results and printing, shares the cores with them)
            ideal = r["helpers"] + max(max(workers, default=0.0), (sum(workers) + r["command"]) / max(j, 1))
            rows.append((j, load, r, total, ideal if workers else r["command"]))
    print(f"`learnability check` on {files} files: CPU seconds per process (sampled from /proc every 0.1 s)\n")
    print("| --jobs | load | command | fork server + tracker | workers | all | wall on idle cores (model) | speed-up (model) |")
    print("|---|---|---|---|---|---|---|---|")
    base = rows[0][4]
    for j, load, r, total, ideal in rows:
        print(f"| {j} | {load:.1f} | {r['command']:.1f} | {r['helpers']:.1f} | {', '.join(f'{w:.1f}' for w in r['workers']) or '-'} "
              f"| {total:.1f} | {ideal:.1f} | {base / ideal:.2f}x |")


def bench_jobs(files: int, jobs: list[int], repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write_project(folder, files)
        times: dict[int, list[float]] = {j: [] for j in jobs}
        loads = []
        outputs: dict[int, str] = {}
        for _ in range(repeats):
            for j in jobs:
                loads.append(os.getloadavg()[0])
                wall, out = run_check(folder, j, check_command())
                times[j].append(wall)
                if outputs.setdefault(j, out) != out:
                    raise SystemExit(f"--jobs {j}: the output changed between runs")
        first = outputs[jobs[0]]
        for j in jobs:
            if outputs[j] != first:
                raise SystemExit(f"--jobs {j} printed something else than --jobs {jobs[0]}")
        findings = len(json.loads(first)["findings"])
    print(f"`learnability check` on {files} files ({size / 1e6:.1f} MB, {findings} findings), {repeats} runs "
          f"each, alternating; {available_cores()} cores; 1-minute load average {min(loads):.2f} to "
          f"{max(loads):.2f} during the runs; wall time in s. Same output for every --jobs.\n")
    base = statistics.median(times[jobs[0]])
    print("| --jobs | median | runs | speed-up |")
    print("|---|---|---|---|")
    for j in jobs:
        med = statistics.median(times[j])
        print(f"| {j} | {med:.1f} | {', '.join(f'{t:.1f}' for t in times[j])} | {base / med:.2f}x |")


def bench_break_even(repeats: int) -> None:
    """1 vs 2 workers on small folders, the size floor off: where starting workers starts to pay."""
    prefix = [sys.executable, "-c", "import sys, learnability.cli as c; c.BYTES_PER_WORKER = 1; "
              "sys.exit(c.main(sys.argv[1:]))"]
    print("| files | KB | --jobs 1 (s) | --jobs 2 (s) |")
    print("|---|---|---|---|")
    for files in (4, 8, 16, 32, 64):
        with tempfile.TemporaryDirectory() as tmp:
            size = write_project(Path(tmp), files)
            one = statistics.median(run_check(Path(tmp), 1, prefix)[0] for _ in range(repeats))
            two = statistics.median(run_check(Path(tmp), 2, prefix)[0] for _ in range(repeats))
        print(f"| {files} | {size / 1024:.0f} | {one:.2f} | {two:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="cold runs per file (median reported)")
    parser.add_argument("--edits", type=int, default=25, help="one-line edits per file (median and p95)")
    parser.add_argument("--save", metavar="DIR", help="write the generated files there")
    parser.add_argument("--cpu", action="store_true", help="measure process CPU time instead of wall time")
    parser.add_argument("--files", type=int, help="time `check --jobs J` over this many generated files")
    parser.add_argument("--jobs", default="1,2", help="with --files: the J values (comma-separated)")
    parser.add_argument("--break-even", action="store_true", help="1 vs 2 workers on small folders")
    args = parser.parse_args()
    if args.files and args.cpu:
        bench_cpu(args.files, [int(j) for j in args.jobs.split(",")])
        return 0
    if args.files:
        bench_jobs(args.files, [int(j) for j in args.jobs.split(",")], min(args.repeats, 3))
        return 0
    if args.break_even:
        bench_break_even(3)
        return 0
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    rows = []
    for size in (300, 2000):
        text = generate(size)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"keras_{size}.py").write_text(text)
        rows.append(bench(text, args.repeats, args.edits))
    clock = "CPU time" if args.cpu else "wall time"
    print(f"Python {sys.version.split()[0]}, {args.repeats} cold runs, {args.edits} one-line edits per file; "
          f"{clock} in ms\n")
    print("| file | ast.parse | cold check (median) | cold / ast | cold p95 | one-line edit median | edit / ast | edit / ast, paired | edit p95 | unchanged re-check |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['lines']} lines | {r['ast']:.1f} | {r['cold']:.1f} | {r['cold'] / r['ast']:.1f}x | {r['cold_p95']:.1f} "
              f"| {r['edit']:.1f} | {r['edit'] / r['ast']:.2f}x | {r['pair']:.2f}x | {r['edit_p95']:.1f} | {r['same']:.1f} |")
    print("\n(edit / ast, paired: the median over the edits of each edit's time divided by an ast.parse of the file "
          "timed just before it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
