"""Re-checking an edited file reuses per-model rule work of the previous analysis (analysis/incremental.py):
the result must be exactly a cold check of the same text, whatever the edits.

Random edit sequences (numbers, strings, names, lines deleted, duplicated, inserted, a statement added,
going back to an earlier version) are applied to real programs: the test fixtures, the recall programs,
every rule's VALID / INVALID cases, a generated benchmark script, and the corpus files when they are
present (tests/corpus/files, fetched by scripts/fetch_corpus.py). After each edit, the analyzer that saw the
earlier versions and a fresh one must report the same findings (message, span, severity, fix, related
locations, data) and the same errors.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from learnability.engine import Analyzer
from learnability.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_check import generate, one_line_edits  # noqa: E402

_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])")
_STRING = re.compile(r"\"(relu|sigmoid|softmax|tanh|linear|adam|sgd|mse|same|valid|accuracy|"
                     r"binary_crossentropy|categorical_crossentropy|sparse_categorical_crossentropy)\"|"
                     r"'(relu|sigmoid|softmax|tanh|linear|adam|sgd|mse|same|valid|accuracy|"
                     r"binary_crossentropy|categorical_crossentropy|sparse_categorical_crossentropy)'")
_WORDS = ["relu", "sigmoid", "softmax", "tanh", "linear", "adam", "sgd", "mse", "same", "valid",
          "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
_NAME = re.compile(r"\b(x_train|y_train|x_test|y_test|X_train|X_test|X|y|x|model|opt|optimizer|lr|inputs|outputs|"
                   r"data|labels|history|epochs|batch_size|scaler|features)\b")
_NAMES = ["x_train", "y_train", "x_test", "y_test", "X", "y", "model", "opt", "lr", "inputs", "labels", "data"]
_STATEMENTS = [
    "y_train = y_train / 255.0\n", "x = x * 1000\n", "model.compile(optimizer='sgd', loss='mse')\n",
    "model.fit(x_train, y_train, epochs=1, batch_size=100000)\n", "lr = 10.0\n",
    "model = keras.Sequential([keras.layers.Dense(1, activation='softmax')])\n", "X = X.astype('float32')\n",
    "np.random.shuffle(y_train)\n", "y = keras.utils.to_categorical(y)\n", "import numpy as np\n",
    "def build_model(lr=0.5):\n    return 1\n", "if True:\n    model = None\n",
]


def _mutate(text: str, rnd: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if not lines:
        return "x = 1\n"
    n = rnd.randrange(len(lines))
    line = lines[n]
    op = rnd.randrange(9)
    if op == 0 and _NUMBER.search(line):
        spots = list(_NUMBER.finditer(line))
        m = rnd.choice(spots)
        new = rnd.choice(["0", "1", "2", "3", "7", "64", "1000", "0.5", "1e-5", "10.0", "255"])
        lines[n] = line[:m.start()] + new + line[m.end():]
    elif op == 1 and _STRING.search(line):
        m = rnd.choice(list(_STRING.finditer(line)))
        quote = line[m.start()]
        lines[n] = line[:m.start()] + quote + rnd.choice(_WORDS) + quote + line[m.end():]
    elif op == 2 and _NAME.search(line):
        m = rnd.choice(list(_NAME.finditer(line)))
        lines[n] = line[:m.start()] + rnd.choice(_NAMES) + line[m.end():]
    elif op == 3:
        del lines[n]
    elif op == 4:
        lines.insert(n, line)
    elif op == 5:
        lines.insert(n, "\n")
    elif op == 6:
        indent = line[:len(line) - len(line.lstrip())]
        lines.insert(n, "".join(indent + s for s in rnd.choice(_STATEMENTS).splitlines(keepends=True)))
    elif op == 7:
        lines[n] = line.rstrip("\n") + "  # learnability: ignore\n"
    else:  # a number anywhere in the file (the most common edit: a hyper-parameter)
        spots = [(i, m) for i, ln in enumerate(lines) for m in _NUMBER.finditer(ln)]
        if spots:
            i, m = rnd.choice(spots)
            lines[i] = lines[i][:m.start()] + str(rnd.choice([1, 2, 5, 32, 128, 1000])) + lines[i][m.end():]
    return "".join(lines)


def _summary(result) -> tuple:
    findings = [(f.to_json(), f.severity, f.category) for f in result.findings]
    errors = [(e.line, e.column, e.message, e.kind) for e in result.errors]
    return findings, errors


def _check_sequence(text: str, path: str, seed: int, steps: int) -> None:
    rnd = random.Random(seed)
    analyzer = Analyzer()
    versions = [text]
    analyzer.analyze(text, path)
    current = text
    for step in range(steps):
        if len(versions) > 1 and rnd.random() < 0.25:
            current = rnd.choice(versions)  # back to an earlier version (undo, or the benchmark's pattern)
        else:
            current = _mutate(current, rnd)
            versions.append(current)
        warm = analyzer.analyze(current, path)
        cold = Analyzer().analyze(current, path)
        assert _summary(warm) == _summary(cold), f"{path}: step {step} (seed {seed}) differs from a cold check"


def _programs() -> list[tuple[str, str]]:
    out = []
    for folder in ("tests/fixtures", "tests/recall/programs", "tests/corpus/files"):
        for p in sorted((ROOT / folder).rglob("*.py")):
            out.append((str(p.relative_to(ROOT)), p.read_text(encoding="utf-8", errors="replace")))
    return out


PROGRAMS = _programs()


@pytest.mark.parametrize("name,text", PROGRAMS, ids=[n for n, _ in PROGRAMS])
def test_random_edits_match_a_cold_check(name: str, text: str) -> None:
    if "corpus" in name:  # 140 files: one shorter sequence each keeps the suite's time reasonable
        _check_sequence(text, name, len(text), 4)
        return
    for seed in range(2):
        _check_sequence(text, name, seed * 7919 + len(text), 10)


def _cases() -> list[tuple[str, str]]:
    out = []
    for rule in all_rules():
        for k, case in enumerate((*rule.valid, *rule.invalid)):
            out.append((f"{rule.id}-{k}", case.code))
    return out


CASES = _cases()


@pytest.mark.parametrize("name,text", CASES, ids=[n for n, _ in CASES])
def test_random_edits_of_rule_cases_match_a_cold_check(name: str, text: str) -> None:
    _check_sequence(text, name + ".py", sum(map(ord, name)), 6)


def test_benchmark_edits_match_a_cold_check_and_reuse_work() -> None:
    text = generate(300)
    analyzer = Analyzer()
    analyzer.analyze(text, "bench.py")
    reused = 0
    for edited in one_line_edits(text, 8):
        for version in (edited, text):
            warm = analyzer.analyze(version, "bench.py")
            assert _summary(warm) == _summary(Analyzer().analyze(version, "bench.py"))
            reused += analyzer.last_incremental("bench.py").reused
    assert reused > 0  # one-line edits keep the per-model work of the models they do not touch
    _check_sequence(text, "bench.py", 11, 30)


def test_an_edit_that_changes_a_model_recomputes_it() -> None:
    text = (
        "import keras\n"
        "def build(units=1):\n"
        "    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3),\n"
        "                             keras.layers.Flatten(), keras.layers.Dense(units, activation='relu')])\n"
        "a = build()\n"
        "b = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(8, 3), keras.layers.Flatten()])\n"
    )
    analyzer = Analyzer()
    assert not [f for f in analyzer.analyze(text, "m.py").findings if f.rule == "LRN702"]
    edited = text.replace("Conv2D(8, 3), keras.layers.Flatten()]", "Conv2D(8, 5), keras.layers.Flatten()]")
    warm = analyzer.analyze(edited, "m.py")
    assert [f.rule for f in warm.findings if f.rule == "LRN702"] == ["LRN702"]
    assert analyzer.last_incremental("m.py").reused > 0  # the model `a` was not recomputed
    assert _summary(warm) == _summary(Analyzer().analyze(edited, "m.py"))


@pytest.mark.parametrize("before,after", [
    ("SHAPE = (28, 28, 1)\n", "SHAPE = (2, 2, 1)\n"),  # a module constant the model's input reads
    ("SIDE = 28\n", "SIDE = 2\n"),  # a constant the model reads through another one
    ("b = build(3)\n", "b = build(27)\n"),  # an argument of the call that builds the model
    ("KERNEL = 3\n", "KERNEL = 5\nKERNEL = 30\n"),  # a rebinding later than the one the model read before
])
def test_an_edit_that_a_model_reads_through_names_recomputes_it(before: str, after: str) -> None:
    text = (
        "import keras\n"
        "SIDE = 28\n"
        "SHAPE = (28, 28, 1)\n"
        "SHAPE_TOO = (SIDE, SIDE, 1)\n"
        "KERNEL = 3\n"
        "def build(k=3):\n"
        "    model = keras.Sequential([keras.Input(SHAPE), keras.layers.Conv2D(8, k), keras.layers.MaxPooling2D(),\n"
        "                              keras.layers.Conv2D(8, KERNEL), keras.layers.Flatten()])\n"
        "    return model\n"
        "a = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten()])\n"
        "b = build(3)\n"
        "c = keras.Sequential([keras.Input(SHAPE_TOO), keras.layers.Conv2D(8, 3), keras.layers.Flatten()])\n"
    )
    analyzer = Analyzer()
    assert not [f for f in analyzer.analyze(text, "m.py").findings if f.rule == "LRN702"]
    edited = text.replace(before, after, 1)
    assert edited != text
    warm = analyzer.analyze(edited, "m.py")
    assert [f.rule for f in warm.findings if f.rule == "LRN702"] == ["LRN702"]
    assert _summary(warm) == _summary(Analyzer().analyze(edited, "m.py"))


def test_an_edit_of_a_rate_a_compile_reads_through_a_name_is_seen() -> None:
    # the compile statement is not edited: its optimizer's rate comes from a constant that is
    text = (
        "import numpy as np\n"
        "import keras\n"
        "LR = 0.001\n"
        "x = np.random.rand(256, 8)\n"
        "y = (x.sum(axis=1) > 4).astype(int)\n"
        "model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(64, activation='relu'),\n"
        "                          keras.layers.Dense(64, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=LR), loss='binary_crossentropy')\n"
        "model.fit(x, y, epochs=10)\n"
    )
    analyzer = Analyzer()
    assert not [f for f in analyzer.analyze(text, "r.py").findings if f.rule == "LRN301"]
    edited = text.replace("LR = 0.001", "LR = 5.0")
    warm = analyzer.analyze(edited, "r.py")
    assert [f.rule for f in warm.findings if f.rule == "LRN301"] == ["LRN301"]
    assert analyzer.last_incremental("r.py").affected  # the edit was analysed incrementally
    assert _summary(warm) == _summary(Analyzer().analyze(edited, "r.py"))
