"""Benchmark how `learnability check DIR` finds its files: the .gitignore-aware walk (walk.collect_files, no git)
against what it replaced, `git ls-files --cached --others --exclude-standard` (the git call alone, without
the filtering that followed it).

    .venv/bin/python benchmarks/bench_walk.py [--folders 400] [--files 25]

A git work tree is generated deterministically: FOLDERS folders of FILES files each (a third .py, the rest
data), a root .gitignore with folder and wildcard patterns and a negation, a nested .gitignore in every tenth
folder, and an ignored `generated/` folder as large as the rest. Median of 5 runs, wall time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from learnability.walk import collect_files  # noqa: E402


def make_tree(top: Path, folders: int, files: int) -> None:
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / ".gitignore").write_text("generated/\n*.log\nscratch_*.py\n!scratch_keep.py\n__pycache__/\n")
    for base in ("src", "generated"):
        for i in range(folders):
            d = top / base / f"pkg{i // 20}" / f"mod{i}"
            d.mkdir(parents=True, exist_ok=True)
            if i % 10 == 0:
                (d / ".gitignore").write_text("local_*.py\n")
            for j in range(files):
                name = f"f{j}.py" if j % 3 == 0 else (f"scratch_{j}.py" if j % 3 == 1 else f"data{j}.log")
                (d / name).write_text("x = 1\n")


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folders", type=int, default=400)
    ap.add_argument("--files", type=int, default=25)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp) / "repo"
        make_tree(top, args.folders, args.files)
        found, errors = collect_files([str(top)])
        entries = sum(1 for _ in top.rglob("*"))
        walk = median_time(lambda: collect_files([str(top)]))
        git = median_time(lambda: subprocess.run(["git", "-C", str(top), "ls-files", "-z", "--cached", "--others",
                                                   "--exclude-standard", "--", "."], capture_output=True, check=True))
        print(f"| tree | files found | walk (no git) | git ls-files |\n|---|---|---|---|\n"
              f"| {entries:,} entries, {args.folders * 2} folders | {len(found):,} ({len(errors)} errors) | "
              f"{walk * 1000:.0f} ms | {git * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
