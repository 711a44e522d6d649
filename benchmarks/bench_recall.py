"""Recall on tests/recall/programs: the share of buggy programs whose fault category is found, per category.

    .venv/bin/python benchmarks/bench_recall.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "recall"))

import recall_harness as harness  # noqa: E402


def main() -> int:
    outcomes = harness.recall()
    per: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        per[o.category].append(o.found)
    for category, rules in harness.CATEGORIES.items():
        hits = per.get(category, [])
        print(f"{category:16} {'/'.join(sorted(rules)):15} {sum(hits)}/{len(hits)}")
    found = sum(o.found for o in outcomes)
    print(f"recall: {found}/{len(outcomes)} = {found / len(outcomes):.2f}")
    for o in outcomes:
        if not o.found:
            print(f"  missed: {o.path.name} ({o.category}); reported {o.rules}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
