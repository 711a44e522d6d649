"""The motivating article's three examples and their corrected versions: each buggy one gets the findings
that name its cause; each corrected one gets no warning for what it fixed."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import FIXTURES, analyze_text

from learnability.findings import Severity


def findings(name: str):
    result = analyze_text((FIXTURES / name).read_text())
    assert not result.errors
    return result.findings


def loud(name: str) -> Counter:
    return Counter(f.rule for f in findings(name) if f.severity is not Severity.INFO)


def test_article1_sigmoid_convolutions_on_inputs_times_100():
    found = findings("article1_sigmoid_scaled.py")
    counts = Counter(f.rule for f in found)
    assert counts["LRN101"] == 2  # both sigmoid Conv2D layers, not the sigmoid output
    assert counts["LRN501"] == 1
    assert {f.span.line for f in found if f.rule == "LRN101"} == {10, 12}
    assert loud("article1_sigmoid_scaled.py") == Counter({"LRN101": 2, "LRN501": 1})
    assert all(f.severity is Severity.INFO for f in found if f.rule == "LRN602")


def test_article1_fixed_has_no_warnings():
    assert loud("article1_fixed.py") == Counter()


def test_article2_adam_learning_rate_0_1():
    found = [f for f in findings("article2_high_lr.py") if f.severity is not Severity.INFO]
    assert [f.rule for f in found] == ["LRN301"]
    assert found[0].span.line == 17


def test_article2_fixed_has_no_warnings():
    assert loud("article2_fixed.py") == Counter()


def test_article3_constant_inputs():
    found = [f for f in findings("article3_constant_inputs.py") if f.severity is not Severity.INFO]
    assert [f.rule for f in found] == ["LRN601"]
    assert found[0].severity is Severity.ERROR


def test_article3_fixed_gets_only_the_random_labels_information():
    found = findings("article3_fixed.py")
    assert [(f.rule, f.severity) for f in found] == [("LRN602", Severity.INFO)]


@pytest.mark.parametrize("name", ["article1_fixed.py", "article2_fixed.py", "article3_fixed.py"])
def test_corrected_versions_lose_the_findings_of_what_they_fixed(name):
    rules = {f.rule for f in findings(name)}
    assert not rules & {"LRN101", "LRN501", "LRN301", "LRN601"}
