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


def test_the_probe_result_is_a_short_suffix():
    """What the probe says about a finding, in a few words (the diagnostic's suffix, the hover's line and the
    report's cause line): the change its fix made, or its status."""
    from learnability.probe.report import short_result

    fits = {"fitted": True, "steps_to_fit": 26, "steps": 26}
    static = {"source": "static", "status": "confirmed", "before": fits}
    assert short_result({**static, "how": "sufficient", "after": {"fitted": True, "steps_to_fit": 6}}) == \
        "confirmed: fits in 6 steps instead of 26"
    assert short_result({**static, "before": {"fitted": False, "steps": 150},
                         "after": {"fitted": True, "steps_to_fit": 12}}) == "confirmed: fits in 12 steps, not in 150 as written"
    assert short_result({**static, "before": {"nonfinite": True}, "after": {"nonfinite": False}}) == \
        "confirmed: no NaN/inf with the fix"
    assert short_result({**static, "before": {"train_accuracy": 0.78}, "after": {"train_accuracy": 0.97}}) == \
        "confirmed: training accuracy 78% to 97%"
    assert short_result({**static, "how": "necessary"}) == "confirmed: the other fixes need it"
    assert short_result({**static, "how": "measured"}) == "confirmed by measurement"
    assert short_result({"source": "static", "status": "not confirmed"}) == "probe: no measurable effect"
    assert short_result({"source": "static", "status": "not applicable"}) == ""
    # the probe's own finding: its message says it; only a measured fix's effect is added
    assert short_result({"source": "probe", "status": "confirmed"}) == ""
    assert short_result({"source": "probe", "status": "confirmed", "before": fits,
                         "after": {"fitted": True, "steps_to_fit": 9}}) == "fits in 9 steps instead of 26"
    for text in ("confirmed: fits in 12 steps, not in 150 as written", "confirmed: the other fixes need it"):
        assert len(text) <= 60
