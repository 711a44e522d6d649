"""Every rule's own cases (VALID / INVALID in its module, `register(valid=..., invalid=...)`), run as tests.

VALID: the rule stays silent on the program. INVALID: the rule reports a finding whose message contains the
case's fragment, with the case's severity (or the rule's); applying that finding's fix gives the case's
`fixed` program exactly, and a case without `fixed` gets no fix. A case marked `xfail` names an analysis gap
(VALID or INVALID) and is a strict xfail: when the gap is closed the test fails until the mark is removed.
"""

from __future__ import annotations

import pytest

from learnability.engine import Analyzer
from learnability.fixes import apply_edits
from learnability.rules import all_rules
from learnability.rules.base import Invalid, Rule, Valid


def _cases():
    for rule in all_rules():
        for kind, cases in (("valid", rule.valid), ("invalid", rule.invalid)):
            for i, case in enumerate(cases):
                marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
                yield pytest.param(rule, case, id=f"{rule.id}-{kind}-{i}", marks=marks)


def _findings(rule: Rule, code: str):
    result = Analyzer().analyze(code, "case.py")
    assert not [e for e in result.errors if e.kind != "skipped"], f"the case does not analyse: {result.errors}"
    return [f for f in result.findings if f.rule == rule.id]


@pytest.mark.parametrize(("rule", "case"), list(_cases()))
def test_rule_case(rule: Rule, case: Valid | Invalid):
    compile(case.code, "case.py", "exec")  # a case is a complete program Python accepts
    found = _findings(rule, case.code)
    if isinstance(case, Valid):
        assert found == [], f"{rule.id} fired on a VALID case ({case.note}): {[f.message for f in found]}"
        return
    matching = [f for f in found if case.message in f.message]
    assert matching, f"{rule.id} did not report {case.message!r}; it reported {[f.message for f in found]}"
    finding = matching[0]
    assert finding.severity == (case.severity or rule.severity), finding.message
    if case.fixed is None:
        assert finding.fix is None, f"the finding offers a fix ({finding.fix.title}) the case does not expect"
    else:
        assert finding.fix is not None, f"the finding offers no fix: {finding.message}"
        assert apply_edits(case.code, finding.fix.edits) == case.fixed
        compile(case.fixed, "fixed.py", "exec")


def test_every_rule_has_valid_and_invalid_cases_and_a_firing_example():
    for rule in all_rules():
        assert rule.valid, f"{rule.id} has no VALID case"
        assert rule.invalid, f"{rule.id} has no INVALID case"
        assert rule.example is not None, f"every INVALID case of {rule.id} is an xfail: the docs have no example"
        if rule.fix_summary:
            assert any(c.fixed for c in rule.invalid), f"{rule.id} has a fix but no case shows its result"
