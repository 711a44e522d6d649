"""Each probe check's own cases (VALID / INVALID measurement records in its module), generated: no TensorFlow."""

from __future__ import annotations

import pytest

from learnability.probe.checks import all_checks
from learnability.probe.report import THRESHOLDS

DECIDED = [c for c in all_checks() if c.decide is not None]
VALID = [pytest.param(c, case, id=f"{c.id}-valid-{i}") for c in DECIDED for i, case in enumerate(c.valid)]
INVALID = [pytest.param(c, case, id=f"{c.id}-invalid-{i}") for c in DECIDED for i, case in enumerate(c.invalid)]


def test_every_deciding_check_has_cases_both_ways():
    for c in DECIDED:
        assert c.valid and c.invalid, c.id
    for c in all_checks():
        assert c.decide is not None or c.decided_in, c.id


@pytest.mark.parametrize("check, case", VALID)
def test_valid_case_is_silent(check, case):
    assert check.hits(case.record, THRESHOLDS) == [], case.note


@pytest.mark.parametrize("check, case", INVALID)
def test_invalid_case_fires(check, case):
    hits = check.hits(case.record, THRESHOLDS)
    assert hits, case.note
    assert any(case.message in h.message for h in hits), [h.message for h in hits]
    for h in hits:
        assert h.evidence and isinstance(h.evidence, str)
