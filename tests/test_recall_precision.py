"""The precision set (tests/recall/correct): correct training programs in the idioms Keras users really write
(each names its idiom in a `# idiom:` header). No rule may report anything on them: a finding there is false.
Keras 2 programs (which do run on Keras 2) may name, in a `# allow: LRN001 LRN002 ...` header, the Keras-version
rules that rightly report what Keras 3 changed; never a rule about the data, the targets or the splits."""

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
_ALLOW = re.compile(r"^# allow: ((?:LRN\d{3} ?)+)", re.M)
# what an `# allow:` header may name: the Keras-version rules and those on Keras 3's changed defaults
ALLOWABLE = frozenset("LRN001 LRN002 LRN302 LRN401".split())


def allowed(text: str) -> set[str]:
    m = _ALLOW.search(text)
    return set(m.group(1).split()) if m else set()


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
        assert allowed(text) <= ALLOWABLE, f"{p.name}: only Keras-version rules may be allowed"
        assert not (p.name.startswith("test_") or p.name.endswith("_test.py")), p.name


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_no_rule_reports_anything_on_a_correct_program(analyzer: Analyzer, path: Path):
    text = path.read_text()
    findings = [f for f in analyzer.analyze(text, str(path)).findings if f.rule not in allowed(text)]
    assert not findings, [f"{f.rule} line {f.span.line}: {f.message}" for f in findings]


def test_an_allow_header_is_read():
    assert allowed("# idiom: x\n# allow: LRN001 LRN002 (Keras 2 code)\n") == {"LRN001", "LRN002"}
    assert allowed("# idiom: x\n") == set()
