"""Precision of the rules on the real-world corpus (tests/corpus), from the reviewed verdicts.

    .venv/bin/python benchmarks/bench_corpus.py            # per-rule table and totals (markdown)
    .venv/bin/python benchmarks/bench_corpus.py --review   # findings with no verdict, with context
    .venv/bin/python benchmarks/bench_corpus.py --update   # append a "todo" placeholder for each of them

Precision is true / (true + false); debatable verdicts are shown apart and left out of it. The
Keras-version rules (LRN001, LRN002) are listed but kept out of the learnability totals. `--update` never
writes a verdict: its placeholders count as unreviewed, so tests/test_corpus.py keeps failing until
someone reads the code and replaces "todo" with true / false / debatable and a reason.
The corpus files are not committed: fetch them first with scripts/fetch_corpus.py.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "corpus"))

import harness  # noqa: E402


def _precision(t: int, f: int) -> str:
    return f"{t / (t + f):.2f}" if t + f else "-"


def report(run: harness.Run, verdicts: dict) -> str:
    by_rule: dict[str, Counter] = defaultdict(Counter)
    false_errors = 0
    for item in run.items:
        v = harness.verdict_of(item, verdicts) or "unreviewed"
        by_rule[item.rule][v] += 1
        if v == "false" and item.severity == "error":
            false_errors += 1
    out = ["| rule | findings | true | false | debatable | unreviewed | precision |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total: Counter = Counter()
    for rule in sorted(by_rule):
        c = by_rule[rule]
        n = sum(c.values())
        note = " (Keras version, not counted below)" if rule in harness.KERAS_VERSION_RULES else ""
        out.append(f"| {rule}{note} | {n} | {c['true']} | {c['false']} | {c['debatable']} | {c['unreviewed']} "
                   f"| {_precision(c['true'], c['false'])} |")
        if rule not in harness.KERAS_VERSION_RULES:
            total.update(c)
    n = sum(total.values())
    out.append(f"| **learnability rules** | {n} | {total['true']} | {total['false']} | {total['debatable']} "
               f"| {total['unreviewed']} | **{_precision(total['true'], total['false'])}** |")
    keys = {item.key for item in run.items}
    stale = sum(1 for k in verdicts if k not in keys)
    out += ["",
            f"- files: {run.files}; findings: {len(run.items)}",
            f"- learnability precision (true / (true + false), debatable excluded): "
            f"{_precision(total['true'], total['false'])}; debatable: {total['debatable']}",
            f"- false findings at error level: {false_errors}",
            f"- crashes (internal errors): {len(run.crashes)}",
            f"- syntax errors on code Python accepts: {len(run.syntax_on_valid)} "
            f"(and {run.syntax_on_invalid} on code Python rejects too)",
            f"- unreviewed findings: {sum(c['unreviewed'] for c in by_rule.values())}; "
            f"verdicts that match no finding now: {stale}",
            f"- time: {run.cpu_seconds:.1f} s CPU ({run.seconds:.1f} s wall) for the whole corpus, in-process"]
    for label, entries in (("crash", run.crashes), ("syntax error on valid code", run.syntax_on_valid)):
        out += [f"  - {label}: {e}" for e in entries]
    return "\n".join(out)


def review(run: harness.Run, verdicts: dict) -> str:
    out = []
    for item in run.items:
        if harness.verdict_of(item, verdicts) is not None:
            continue
        out.append(f"{item.where}  {item.rule} [{item.severity}] {item.message}")
        for n, text in item.context:
            out.append(f"  {'>' if n == item.line else ' '}{n:5d} | {text}")
        out.append("")
    return "\n".join(out) if out else "every finding has a verdict"


def update(run: harness.Run, verdicts: dict) -> int:
    """Append a placeholder for each finding with no entry at all (entries already there are kept)."""
    new = [item for item in run.items if item.key not in verdicts]
    if not new:
        return 0
    text = harness.VERDICTS.read_text(encoding="utf-8") if harness.VERDICTS.is_file() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    for item in new:
        text += "\n" + harness.verdict_toml(item, harness.PLACEHOLDER, "")
    tmp = harness.VERDICTS.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(harness.VERDICTS)
    return len(new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--review", action="store_true", help="list the findings that have no verdict")
    group.add_argument("--update", action="store_true",
                       help="append a 'todo' placeholder (never a verdict) for each finding with no entry")
    args = parser.parse_args()
    sources = harness.load_sources()
    bad = harness.missing_or_changed(sources)
    if bad:
        print(f"corpus incomplete ({len(bad)} files); run scripts/fetch_corpus.py first:", file=sys.stderr)
        print("\n".join(bad[:10]), file=sys.stderr)
        return 2
    run = harness.check_corpus(sources)
    verdicts = harness.load_verdicts()
    if args.review:
        print(review(run, verdicts))
    elif args.update:
        print(f"{update(run, verdicts)} placeholders appended to {harness.VERDICTS}")
    else:
        print(report(run, verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
