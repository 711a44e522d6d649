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


# Silence on a correct program means something only if the rule sees the program: the same program with its
# fault put back (one edit) makes the rule fire.
FAULT_PUT_BACK = [
    ("permutation_index_both.py", "x = x[idx]\n", "", "LRN605"),
    ("split_then_scaler.py", "X_test = scaler.transform(X_test)\n", "", "LRN606"),
    ("sigmoid_then_rescaling.py", "    layers.Rescaling(100.0),\n", "", "LRN206"),
    ("multilabel_sigmoid_bce.py", 'layers.Dense(5, activation="sigmoid")', 'layers.Dense(5, activation="softmax")',
     "LRN207"),
    ("age_bins_as_classes.py", "y = (ages / 10).astype(int)", "y = ages / 10", "LRN208"),
    ("large_targets_sgd_msle.py", 'loss="msle"', 'loss="mse"', "LRN209"),
    ("mnist_reshape_both.py", 'x_train = np.expand_dims(x_train, -1).astype("float32") / 255',
     'x_train = np.expand_dims(x_train, -1).astype("float32") / 255 / 255', "LRN502"),
    ("relu_square_of_signed.py", "y = x ** 2", "y = x ** 3", "LRN206"),
    ("relu_product_self.py", "y = x * x", "y = x * 1.0", "LRN206"),
    ("pipeline_scaler_test_transform.py", "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)",
     "X_test = scaler.fit_transform(X_test)\nX_train = scaler.transform(X_train)", "LRN607"),
    ("labels_shifted_arange.py", "y = classes - 1", "y = classes - 2", "LRN604"),
    ("soft_label_distribution.py", "Y[i, v] += 1.0 / len(row)", "Y[i, v] = 1", "LRN207"),
    ("onehot_both_splits.py", "y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)",
     "y_train = to_categorical(y_train, 10)", "LRN606"),
    ("scaled_copy_split.py", "train_test_split(X_scaled, y,", "train_test_split(X, y,", "LRN606"),
    ("scaler_short_split_names.py", "Xa = sc.fit_transform(Xa)\nXb = sc.transform(Xb)",
     "Xb = sc.fit_transform(Xb)\nXa = sc.transform(Xa)", "LRN607"),
    ("read_csv_minmax_after_split.py", "X_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)\n",
     "", "LRN501"),
]


@pytest.mark.parametrize(("name", "old", "new", "rule"), FAULT_PUT_BACK, ids=[m[0][:-3] for m in FAULT_PUT_BACK])
def test_the_rule_fires_when_the_fault_is_put_back(analyzer: Analyzer, name: str, old: str, new: str, rule: str):
    text = (CORRECT / name).read_text()
    assert old in text
    assert rule in {f.rule for f in analyzer.analyze(text.replace(old, new), name).findings}
