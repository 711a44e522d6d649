"""Whole-file checks for the training-process rules: the article's buggy examples repaired by their own
fixes, and idiomatic training code that must stay silent."""

from __future__ import annotations

import libcst
import pytest
from conftest import FIXTURES, analyze_text

from learnability.fixes import apply_fixes

TRAINING_RULES = {"LRN001", "LRN301", "LRN302", "LRN401", "LRN402", "LRN501", "LRN601", "LRN602", "LRN603", "LRN604",
                  "LRN703", "LRN801", "LRN802", "LRN901", "LRN902", "LRN903"}


@pytest.mark.parametrize("name, fixed_rules", [
    ("article1_sigmoid_scaled.py", {"LRN101", "LRN501"}),
    ("article2_high_lr.py", {"LRN301"}),
])
def test_article_examples_are_repaired_by_their_fixes(name, fixed_rules):
    source = (FIXTURES / name).read_text()
    before = analyze_text(source).findings
    assert fixed_rules <= {f.rule for f in before}
    out, count = apply_fixes(source, [f for f in before if f.rule in fixed_rules])
    assert count == sum(1 for f in before if f.rule in fixed_rules)
    libcst.parse_module(out)
    after = {f.rule for f in analyze_text(out).findings}
    assert not after & fixed_rules
    assert "LRN602" in after  # the random labels are still random: information stays


def test_article1_fix_divides_by_the_factor_the_inputs_were_multiplied_by():
    source = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
    found = [f for f in analyze_text(source).findings if f.rule == "LRN501"]
    out, _ = apply_fixes(source, found)
    assert "model.fit(X / 100.0, y, epochs=5, batch_size=32)" in out


def test_article2_fix_sets_adams_default_rate():
    source = (FIXTURES / "article2_high_lr.py").read_text()
    out, _ = apply_fixes(source, analyze_text(source).findings)
    assert "Adam(learning_rate=0.001)" in out


@pytest.mark.parametrize("name", ["idiomatic_training_pipeline.py", "idiomatic_image_directory.py"])
def test_idiomatic_training_code_gets_no_finding(name):
    result = analyze_text((FIXTURES / name).read_text())
    assert not result.errors
    assert [(f.rule, f.span.line, f.message) for f in result.findings] == []


@pytest.mark.parametrize("path", sorted(p.name for p in FIXTURES.glob("idiomatic_*.py")))
def test_no_training_rule_fires_on_any_idiomatic_fixture(path):
    found = [f for f in analyze_text((FIXTURES / path).read_text()).findings if f.rule in TRAINING_RULES]
    assert found == []


def test_keras2_script_is_brought_to_keras3_by_its_fixes():
    source = (FIXTURES / "keras2_legacy_mnist.py").read_text()
    before = analyze_text(source).findings
    assert {"LRN001", "LRN401", "LRN501"} <= {f.rule for f in before}
    out = source
    for _ in range(3):  # overlapping fixes on one call are applied on the next round
        out, count = apply_fixes(out, analyze_text(out).findings)
        libcst.parse_module(out)
        if count == 0:
            break
    assert analyze_text(out).findings == []
    for expected in ("from keras.layers import Dense, Dropout", "from keras import utils as np_utils",
                     'Convolution2D(32, (3, 3), padding="same", input_shape=(28, 28, 1), kernel_initializer="he_normal")',
                     'Dense(units=128, activation="relu", kernel_regularizer=None)', "Dropout(rate=0.5)",
                     "SGD(learning_rate=keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=1e-6), "
                     "momentum=0.9, nesterov=True)",
                     "model.fit(X_train / 255.0, Y_train, batch_size=128, epochs=12, validation_split=0.1)"):
        assert expected in out
