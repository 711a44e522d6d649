"""The precision set (tests/recall/correct): correct training programs in the idioms Keras users really write
(each names its idiom in a `# idiom:` header). No rule may report anything on them: a finding there is false."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from learnability.engine import Analyzer
from learnability.rules import all_rules

CORRECT = Path(__file__).resolve().parent / "recall" / "correct"
PROGRAMS = sorted(CORRECT.glob("*.py"))
# the rules of issue 9, whose precision on real code the corpus alone cannot show (most never fire there)
NEW_RULES = frozenset("LRN002 LRN206 LRN207 LRN208 LRN209 LRN502 LRN605 LRN606 LRN607".split())
_IDIOM = re.compile(r"^# idiom: \S.*$", re.M)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_the_precision_set_has_at_least_30_programs_each_naming_its_idiom():
    assert len(PROGRAMS) >= 30
    registered = {r.id for r in all_rules()}
    assert NEW_RULES <= registered
    for p in PROGRAMS:
        text = p.read_text()
        assert _IDIOM.search(text), f"{p.name}: no '# idiom: ...' header"
        compile(text, str(p), "exec")
        assert not (p.name.startswith("test_") or p.name.endswith("_test.py")), p.name


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_no_rule_reports_anything_on_a_correct_program(analyzer: Analyzer, path: Path):
    findings = analyzer.analyze(path.read_text(), str(path)).findings
    assert not findings, [f"{f.rule} line {f.span.line}: {f.message}" for f in findings]
