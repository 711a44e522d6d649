"""The probe on the cases of issue 10, each a small program of our own (synthetic numpy data, seconds each,
one warm worker for all): the verdict and the named cause are right.

Every program in tests/probe/cases/ says what is wrong with it in its docstring and `# probe-truth:` line.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

pytest.importorskip("tensorflow", reason="the probe tests need TensorFlow (pip install tensorflow-cpu)")

from learnability.probe.runner import run_probe  # noqa: E402

pytestmark = pytest.mark.probe

CASES = Path(__file__).parent / "cases"
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "probe-report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def probe():
    cache: dict[str, dict] = {}

    def run(name: str) -> dict:
        if name not in cache:
            cache[name] = run_probe(str(CASES / name), budget_s=60)  # the step budget decides, not the clock
            jsonschema.Draft202012Validator(SCHEMA).validate(cache[name])  # the report's one shape
        return cache[name]

    return run


def _f(report: dict, rule: str) -> dict | None:
    return next((f for f in report["findings"] if f["rule"] == rule), None)


def test_two_causes_each_confirmed_as_necessary_when_neither_alone_is_enough(probe):
    # softmax on one unit + Adam at 3: each fix alone still fails; together they learn. Both are confirmed
    # ("necessary": removing it from all the fixes breaks it), neither is "not confirmed"
    r = probe("two_bugs_softmax_lr.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    for rule in ("LRN102", "LRN301"):
        f = _f(r, rule)
        assert f["confirmed"] is True and f["status"] == "confirmed", f["evidence"]
        assert "necessary" in f["how"], f["evidence"]
    assert "ALL" in r["curves"]
    assert r["summary"].index("Confirmed causes") < r["summary"].index("LRN102")


def test_labels_divided_by_255_are_one_class_not_learning(probe):
    r = probe("labels_div255.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    f = _f(r, "PRB014")
    assert f["confirmed"] is True and "255" in f["message"]
    assert "the remedy makes it learn" in f["evidence"]  # labels multiplied back: training accuracy above chance
    assert f["after"]["train_accuracy"] > f["after"]["chance"]
    assert _f(r, "PRB004") is None  # one class: nothing to say about predictability
    assert "single class" in r["summary"]


def test_binary_crossentropy_on_three_classes_negative_loss(probe):
    r = probe("binary_labels_012.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    assert "negative" in r["summary"]
    f = _f(r, "PRB011")
    assert f["confirmed"] is True and "negative" in f["evidence"]
    assert "softmax" in f["after"].get("remedy", "")
    assert _f(r, "LRN604")["confirmed"] is True  # the static finding, confirmed by the measurement


def test_adam_lr_high_at_chance_with_dead_units_does_not_learn(probe):
    # the article's second example: a higher training accuracy than chance by a few points is noise
    r = probe("adam_lr_high.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    assert _f(r, "LRN301")["confirmed"] is True
    assert _f(r, "PRB001")["category"] == "symptom"


def test_regression_targets_outside_sigmoid_range(probe):
    r = probe("regression_sigmoid_targets.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    f = _f(r, "PRB016")
    assert f["confirmed"] is True and "sigmoid" in f["message"]
    assert "linear output" in f["after"]["remedy"] and "the remedy makes it learn" in f["evidence"]
    assert f["line"] == 10  # the output layer's line


def test_regression_targets_huge_scale(probe):
    r = probe("regression_huge_targets.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    f = _f(r, "PRB016")
    assert f["confirmed"] is True and "scale" in f["message"]
    assert f["after"]["remedy"] == "standardised targets"
    assert (f["after"].get("final_accuracy") or 0) > 0.5  # R² with standardised targets
    assert _f(r, "PRB005") is None  # huge losses here are the targets' scale, not an exploding rate


def test_multi_hot_labels_into_softmax(probe):
    r = probe("multi_hot_softmax.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    f = _f(r, "PRB015")
    assert f["confirmed"] is True and f["after"].get("remedy") == "a sigmoid output with binary crossentropy"


def test_shuffled_labels_named(probe):
    r = probe("labels_shuffled.py")
    f = _f(r, "PRB004")
    assert f is not None and f["confirmed"] is True, r["summary"]
    assert r["metrics"]["held_out"]["above_chance"] is False


def test_too_few_epochs_projects_a_number(probe):
    r = probe("too_few_epochs.py")
    assert r["verdict"] == "learns_slowly", r["summary"]
    f = _f(r, "PRB017")
    assert f["confirmed"] is True and f["category"] == "epochs"
    assert f["data"]["epochs"] == 1 and f["data"]["projected_epochs"] > 1
    assert f["data"]["user_steps"] == 4  # 1 epoch x ceil(400 / 128)
    edit = f["fix"]["edits"][0]  # the edit in the editor: epochs=1 -> the projected number
    assert (edit["line"], edit["new_text"]) == (12, str(f["data"]["projected_epochs"]))


def test_repair_search_or_range_test_finds_a_rate(probe):
    # SGD at 1e-5: no static rule fires on a rate passed through a variable; the probe finds one that works
    r = probe("sgd_lr_tiny.py")
    assert r["verdict"] == "does_not_learn", r["summary"]
    named = {f["rule"] for f in r["findings"] if f["confirmed"] is True and f["category"] != "symptom"}
    assert named & {"PRB007", "PRB018"}, r["summary"]
    lr = r["metrics"]["learning_rate_that_works"]
    assert lr is not None and lr > 1e-4
    fixed = next(f for f in r["findings"] if f["rule"] in ("PRB007", "PRB018") and f["confirmed"])
    edit = fixed["fix"]["edits"][0]  # the rate is set in a variable on line 9: that literal is the edit
    assert edit["line"] == 9 and float(edit["new_text"]) > 1e-4


def test_metrics_finding_is_not_applicable(probe):
    r = probe("regression_accuracy_metric.py")
    assert r["verdict"] != "does_not_learn", r["summary"]
    f = _f(r, "LRN204")
    assert f["status"] == "not applicable" and f["confirmed"] is None
    assert "Not applicable to training: LRN204" in r["summary"]
