"""The recall set (tests/recall/programs): the right fault category is found in at least 85% of the programs."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "recall"))

import recall_harness as harness  # noqa: E402

THRESHOLD = 0.85


def test_the_recall_set_has_at_least_30_programs_each_with_a_known_category():
    programs = sorted(harness.PROGRAMS.glob("*.py"))
    assert len(programs) >= 30
    counts = Counter(harness.fault_of(p.read_text()) for p in programs)
    assert set(counts) == set(harness.CATEGORIES), "every category has programs"
    for p in programs:
        compile(p.read_text(), str(p), "exec")  # each is a program Python accepts
        # pytest would collect (and import) a program named like a test module
        assert not (p.name.startswith("test_") or p.name.endswith("_test.py")), p.name


def test_the_right_category_is_found_in_at_least_85_percent():
    outcomes = harness.recall()
    found = sum(o.found for o in outcomes)
    misses = [f"{o.path.name} ({o.category}; reported {o.rules})" for o in outcomes if not o.found]
    assert found / len(outcomes) >= THRESHOLD, f"{found}/{len(outcomes)}; missed: {misses}"


def test_a_program_without_a_fault_header_is_refused():
    import pytest

    with pytest.raises(ValueError):
        harness.fault_of("import keras\n")
