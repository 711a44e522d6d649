"""Robustness at scale: files far larger than code usually is, analysed in bounded time.
(Reported timings are printed, never asserted: speed figures come from benchmarks/.)"""

from __future__ import annotations

import time

from conftest import ROOT

from learnability.analysis.chunks import MAX_CHUNK_CHARS
from learnability.engine import Analyzer


# --------------------------------------------------------------------------- huge files
def test_five_megabyte_file_of_data_and_a_model(capsys):
    model = (ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py").read_text()
    rows = "".join(f"    [{i}, {i * 0.5}, {i % 7}, {i % 3}],\n" for i in range(180_000))
    text = "TABLE = [\n" + rows + "]\n" + model
    assert len(text) > 5_000_000
    t0 = time.perf_counter()
    result = Analyzer().analyze(text, "huge.py")
    elapsed = time.perf_counter() - t0
    table_lines = rows.count("\n") + 2
    assert [(e.line, e.kind) for e in result.errors] == [(1, "skipped")]
    assert f"above {MAX_CHUNK_CHARS // 1000} kB" in result.errors[0].message
    assert {(f.rule, f.span.line - table_lines) for f in result.findings} >= {("LRN101", 10), ("LRN101", 12)}
    with capsys.disabled():
        print(f"\n5 MB file (one 5 MB statement + a model) analysed in {elapsed:.1f} s")  # reported, not asserted


def test_many_statements_file_scales_linearly_in_findings():
    # 200 copies of a buggy model, each renamed: every copy is found (no cap, no dedup across copies)
    model = (ROOT / "tests" / "fixtures" / "article1_sigmoid_scaled.py").read_text()
    body = model.split("\n", 1)[1]
    text = "".join(body.replace("model", f"model_{i}").replace("X ", f"X{i} ").replace("X,", f"X{i},")
                   for i in range(200))
    result = Analyzer().analyze(text, "many.py")
    assert not result.errors
    assert sum(f.rule == "LRN101" for f in result.findings) == 400


def test_fifty_thousand_small_statements_are_analysed_and_the_last_assignment_wins(capsys):
    # ~50,000 top-level statements assigning the same two names over and over, then a model at the end:
    # lookups bisect the assignments (they were linear scans: quadratic in the file's statements)
    n = 50_000
    head = "import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n"
    body = "".join(f"lr = {i} * 1e-5\n" if i % 2 else f"X = np.ones(({i}, 8, 8, 1))\n" for i in range(n))
    tail = (
        "model = keras.Sequential([\n"
        "    layers.Conv2D(8, 3, activation=\"sigmoid\", input_shape=(8, 8, 1)),\n"
        "    layers.Flatten(),\n"
        "    layers.Dense(1, activation=\"softmax\"),\n"
        "])\n"
        "model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss=\"mse\")\n"
        "model.fit(X, X[:, 0, 0, 0], epochs=5)\n"
    )
    start = 3 + n  # lines before the model
    t0 = time.perf_counter()
    result = Analyzer().analyze(head + body + tail, "many_statements.py")
    elapsed = time.perf_counter() - t0
    assert not result.errors
    found = {(f.rule, f.span.line - start) for f in result.findings}
    assert ("LRN102", 4) in found  # the softmax on one unit planted at the end
    assert ("LRN601", 7) in found  # X: the last of 25,000 np.ones assignments
    lr = [f for f in result.findings if f.rule == "LRN301"]  # lr: the last of 25,000 (49999 * 1e-5 = 0.5)
    assert [f.span.line - start for f in lr] == [6]
    with capsys.disabled():
        print(f"\n{n} small statements analysed in {elapsed:.1f} s")  # reported, not asserted
