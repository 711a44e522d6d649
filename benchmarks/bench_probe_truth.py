"""Does the probe name the right cause? Probe programs with a known cause and score the reports.

    .venv/bin/python benchmarks/bench_probe_truth.py                        # tests/probe/programs, all of them
    .venv/bin/python benchmarks/bench_probe_truth.py --cold 3 --json out.json --markdown   # + the README's table
    .venv/bin/python benchmarks/bench_probe_truth.py tests/probe/cases/*.py  # any files with a truth header

Each program says what is wrong with it in a header line:

    # probe-truth: buggy LRN301 PRB007 PRB018     (any of these ids, confirmed, names a right cause)
    # probe-truth: correct                        (must not be "does not learn")

A cause counts as named when the report has a finding with that id that is confirmed (a static finding
confirmed by its fix or a measurement, or a probe finding). Every program is probed warm (one worker,
TensorFlow imported once); the first `--cold` programs are also probed cold (a fresh worker each).
Prints one line per program and the totals: right cause in % of the buggy ones, "does not learn" among
the correct ones.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from learnability.probe import runner  # noqa: E402

HEADER = re.compile(r"^#\s*probe-truth:\s*(buggy|correct)\b(.*)$", re.M)


def truth(path: Path) -> tuple[str, set[str]] | None:
    m = HEADER.search(path.read_text(encoding="utf-8"))
    if not m:
        return None
    return m.group(1), set(m.group(2).split())


def named(report: dict) -> list[str]:
    """Ids the report names as causes: confirmed findings that are not symptoms or notes."""
    out = []
    for f in report.get("findings") or []:
        if f.get("confirmed") is True and f.get("category") != "symptom" and f.get("severity") != "info":
            out.append(f["rule"])
    return sorted(set(out))


def probe(path: Path, budget: float) -> tuple[dict, float]:
    t = time.perf_counter()
    report = runner.run_probe(str(path), budget_s=budget)
    return report, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--cold", type=int, default=2, help="also probe the first N programs cold (a fresh worker each)")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per training run at most (the step budget decides)")
    ap.add_argument("--json", type=Path, help="write every row (and the totals) here")
    ap.add_argument("--markdown", action="store_true", help="also print the rows as the README's table")
    args = ap.parse_args()
    files = args.files or sorted((ROOT / "tests" / "probe" / "programs").glob("*.py"))
    rows = []
    for i, path in enumerate(files):
        t = truth(path)
        if t is None:
            print(f"skip {path}: no '# probe-truth:' header", file=sys.stderr)
            continue
        cold = None
        if i < args.cold:
            runner.shutdown()
            _, cold = probe(path, args.budget)
        report, warm = probe(path, args.budget)
        kind, causes = t
        got = named(report)
        ok = (report["verdict"] != "does_not_learn") if kind == "correct" else bool(causes & set(got))
        row = {"program": path.name, "truth": kind, "expected": sorted(causes), "verdict": report["verdict"],
               "named": got, "right": ok, "cold_s": None if cold is None else round(cold, 1), "warm_s": round(warm, 1),
               "runs": len((report.get("timing") or {}).get("runs") or {}), "summary": report.get("summary")}
        rows.append(row)
        print(f"{'ok ' if ok else 'BAD'} {path.name:42s} {kind:7s} {report['verdict']:15s} named {','.join(got) or '-':32s}"
              f" expected {'|'.join(sorted(causes)) or '-':24s} warm {warm:5.1f}s"
              + (f" cold {cold:5.1f}s" if cold is not None else "") + f" runs {row['runs']}", flush=True)
    runner.shutdown()
    buggy = [r for r in rows if r["truth"] == "buggy"]
    correct = [r for r in rows if r["truth"] == "correct"]
    right = sum(r["right"] for r in buggy)
    dnl = sum(r["verdict"] == "does_not_learn" for r in correct)
    warm = [r["warm_s"] for r in rows]
    colds = [r["cold_s"] for r in rows if r["cold_s"] is not None]
    totals = {"buggy": len(buggy), "right_cause": right, "right_cause_pct": round(100 * right / max(1, len(buggy)), 1),
              "correct": len(correct), "correct_does_not_learn": dnl,
              "warm_median_s": sorted(warm)[len(warm) // 2] if warm else None, "warm_max_s": max(warm, default=None),
              "cold_s": colds}
    print(f"\nright cause: {right}/{len(buggy)} buggy programs ({totals['right_cause_pct']}%); "
          f"'does not learn' for {dnl}/{len(correct)} correct programs; warm median {totals['warm_median_s']} s, "
          f"max {totals['warm_max_s']} s; cold {colds} s")
    if args.markdown:
        print("\n| program | verdict | named (confirmed) | warm (s) | runs |\n|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['program'][:-3]}{'' if r['right'] else ' (**missed**)'} | {r['verdict'].replace('_', ' ')} | "
                  f"{', '.join(r['named']) or '-'} | {r['warm_s']} | {r['runs']} |")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "totals": totals}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
