"""The recall set: small buggy Keras programs, each naming its fault in a header comment
(`# fault: <category>`). `recall()` checks each and says whether a finding of the category's rules is there.
The test (tests/test_recall.py) and the benchmark (benchmarks/bench_recall.py) share it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from learnability.engine import Analyzer

PROGRAMS = Path(__file__).resolve().parent / "programs"
# fault category -> the rules that name it
CATEGORIES: dict[str, frozenset[str]] = {
    "targets-range": frozenset({"LRN206"}),
    "multi-label": frozenset({"LRN207"}),
    "scaled-labels": frozenset({"LRN208"}),
    "shuffled-labels": frozenset({"LRN605"}),
    "held-out": frozenset({"LRN606", "LRN607"}),
    "unscaled-inputs": frozenset({"LRN501"}),
    "keras3-api": frozenset({"LRN001", "LRN002"}),
    "decay": frozenset({"LRN401"}),
    "large-targets": frozenset({"LRN209"}),
    "too-small-inputs": frozenset({"LRN502"}),
}
_FAULT = re.compile(r"^# fault: ([\w-]+)\s*$", re.M)


@dataclass
class Outcome:
    path: Path
    category: str
    found: bool
    rules: list[str]  # every rule that reported something


def fault_of(text: str) -> str:
    m = _FAULT.search(text)
    if m is None or m.group(1) not in CATEGORIES:
        raise ValueError("no '# fault: <category>' header with a known category")
    return m.group(1)


def recall() -> list[Outcome]:
    analyzer = Analyzer()
    out = []
    for path in sorted(PROGRAMS.glob("*.py")):
        text = path.read_text()
        category = fault_of(text)
        result = analyzer.analyze(text, str(path))
        rules = sorted({f.rule for f in result.findings})
        out.append(Outcome(path, category, bool(CATEGORIES[category] & set(rules)), rules))
    return out
