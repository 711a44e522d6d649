"""Messages that fit where they are shown: every rule's message is one line of at most 100 characters
(the Problems panel cuts longer ones off), led by the problem and ending with the remedy; the rationale
lives in the hover and in Explain."""

from __future__ import annotations

import pytest

from learnability.engine import Analyzer
from learnability.rules import all_rules

LIMIT = 100


def _invalid_cases():
    for rule in all_rules():
        for i, case in enumerate(rule.invalid):
            if case.xfail is None:
                yield pytest.param(rule, case, id=f"{rule.id}-invalid-{i}")


@pytest.mark.parametrize(("rule", "case"), list(_invalid_cases()))
def test_every_message_is_one_short_line(rule, case):
    found = [f for f in Analyzer().analyze(case.code, "case.py").findings if f.rule == rule.id]
    assert found, f"{rule.id} did not fire on its INVALID case"
    for f in found:
        assert "\n" not in f.message, f"{rule.id}: a message of several lines: {f.message!r}"
        assert len(f.message) <= LIMIT, f"{rule.id}: {len(f.message)} characters: {f.message}"
        assert f.message == f.message.strip() and not f.message.endswith("."), f.message
