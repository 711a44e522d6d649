"""Jupyter notebooks: code cells analysed as one program, findings mapped back to (cell, line),
`--fix` edits the cells inside the notebook's JSON and nothing else."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

from learnability.cli import main

IMPORTS = ["%matplotlib inline\n", "!pip list\n", "import numpy as np\n", "from tensorflow import keras\n",
           "from tensorflow.keras import layers\n"]
DATA = ["X = np.random.randint(0, 256, (100, 28, 28, 1))\n", "y = np.repeat(np.arange(10), 10)"]
MODEL = ("model = keras.Sequential([\n"
         "    layers.Conv2D(16, 3, activation=\"sigmoid\", input_shape=(28, 28, 1)),\n"
         "    layers.Flatten(),\n"
         "    layers.Dense(10, activation=\"softmax\"),\n"
         "])\n")
TRAIN = ["model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss=\"sparse_categorical_crossentropy\")\n",
         "model.fit(X, y, epochs=5, batch_size=32, shuffle=True)\n"]
OUTPUT = {"output_type": "stream", "name": "stdout", "text": ["Epoch 1/5\n"]}


def code(source, outputs=None) -> dict:
    return {"cell_type": "code", "execution_count": 1, "metadata": {"tags": ["keep"]},
            "outputs": outputs or [], "source": source}


def notebook(*cells: dict) -> dict:
    return {"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


def standard() -> dict:
    return notebook(
        {"cell_type": "markdown", "metadata": {}, "source": ["# Training\n", "Some text.\n"]},
        code(IMPORTS),
        code(DATA),
        {"cell_type": "markdown", "metadata": {}, "source": "The model:"},
        code(MODEL),  # a plain string source, as some tools write it
        code(TRAIN, outputs=[OUTPUT]),
    )


def write_nb(path: Path, nb: dict) -> Path:
    path.write_text(json.dumps(nb, indent=1) + "\n")
    return path


def check_json(capsys, *args: str) -> tuple[int, dict]:
    code_ = main(["check", "--format", "json", *args])
    return code_, json.loads(capsys.readouterr().out)


def by_rule(data: dict) -> dict[str, dict]:
    return {f["rule"]: f for f in data["findings"]}


def test_findings_are_mapped_to_cell_and_line_in_cell(tmp_path, capsys):
    f = write_nb(tmp_path / "train.ipynb", standard())
    code_, data = check_json(capsys, str(f))
    assert code_ == 1
    assert data["errors"] == []  # magics and shell lines are not syntax errors
    found = by_rule(data)
    sig = found["LRN101"]
    # cell 5 counts the markdown cells too; line 2 of that cell
    assert (sig["cell"], sig["line"]) == (5, 2)
    assert sig["column"] == MODEL.splitlines()[1].index('"sigmoid"') + 1
    lr = found["LRN301"]
    assert (lr["cell"], lr["line"]) == (6, 1)
    assert lr["column"] == TRAIN[0].index("0.1") + 1


def test_human_output_names_the_cell(tmp_path, capsys):
    f = write_nb(tmp_path / "train.ipynb", standard())
    main(["check", str(f)])
    out = capsys.readouterr().out
    col = MODEL.splitlines()[1].index('"sigmoid"') + 1
    assert f"{f}:cell_5:2:{col}: LRN101 " in out


def test_syntax_error_in_a_cell_is_reported_in_that_cell_and_other_cells_keep_findings(tmp_path, capsys):
    nb = standard()
    nb["cells"][2]["source"] = ["X = np.random.rand(100, 28, 28, 1\n", "y = np.repeat(np.arange(10), 10)"]
    f = write_nb(tmp_path / "broken.ipynb", nb)
    code_, data = check_json(capsys, str(f))
    assert code_ == 1
    assert len(data["errors"]) == 1
    err = data["errors"][0]
    assert (err["cell"], err["line"], err["kind"]) == (3, 1, "syntax")
    assert err["message"].startswith("syntax error") and "cell" not in err["message"]
    assert "LRN301" in by_rule(data)  # the other cells keep their findings


def test_fix_edits_the_cells_and_leaves_the_rest_of_the_notebook_alone(tmp_path, capsys):
    nb = standard()
    f = write_nb(tmp_path / "train.ipynb", nb)
    main(["check", "--fix", str(f)])
    assert "Fixed" in capsys.readouterr().out
    fixed = json.loads(f.read_text())
    expected = copy.deepcopy(nb)
    expected["cells"][4]["source"] = MODEL.replace('activation="sigmoid"', 'activation="relu"')
    expected["cells"][5]["source"] = [TRAIN[0].replace("learning_rate=0.1", "learning_rate=0.001"),
                                      TRAIN[1].replace("model.fit(X,", "model.fit(X / 255.0,")]  # LRN501: pixels
    assert fixed == expected  # list sources stay lists, strings stay strings; outputs, metadata kept
    assert f.read_text().startswith('{\n "cells": [\n  {')  # nbformat's indent of 1 kept
    _, data = check_json(capsys, str(f))
    assert not {"LRN101", "LRN301"} & set(by_rule(data))


def test_invalid_notebook_is_an_error_entry(tmp_path, capsys):
    f = tmp_path / "bad.ipynb"
    f.write_text('{"cells": [')
    code_, data = check_json(capsys, str(f))
    assert code_ == 1
    assert data["errors"][0]["kind"] == "io"
    assert "not a valid notebook" in data["errors"][0]["message"]
    f.write_text('{"metadata": {}}')
    _, data = check_json(capsys, str(f))
    assert "no 'cells' list" in data["errors"][0]["message"]


def test_a_fix_that_would_cross_cells_is_dropped_and_one_inside_a_cell_is_mapped(tmp_path):
    from learnability.findings import Category, Finding, Fix, Severity, Span, TextEdit
    from learnability.sources import notebook_source

    src = notebook_source(tmp_path / "n.ipynb", standard())
    # program lines: cell 2 (5 lines + separator), cell 3 (2 + separator), cell 5 starts at line 10
    assert src.text.splitlines()[9] == "model = keras.Sequential(["
    inside = Fix("t", (TextEdit(Span(11, 4, 11, 10), "x"),))
    across = Fix("t", (TextEdit(Span(11, 4, 11, 10), "x"), TextEdit(Span(7, 0, 7, 1), "y")))
    f = Finding("LRN101", Category.ACTIVATION, Severity.WARNING, Span(11, 4, 11, 10), "m", fix=inside)
    mapped = src.map_finding(f)
    assert (mapped.data["cell"], mapped.span) == (5, Span(2, 4, 2, 10))
    assert mapped.fix is not None and mapped.fix.edits[0].span == Span(2, 4, 2, 10)
    f.fix = across
    assert src.map_finding(f).fix is None and not src.map_finding(f).fixable


def test_five_megabyte_notebook_with_large_outputs(tmp_path, capsys):
    # notebooks grow by their outputs (images as base64): only code cells are analysed
    image = {"output_type": "display_data", "metadata": {},
             "data": {"image/png": "iVBORw0KGgo" + "A" * 1_000_000, "text/plain": ["<Figure>"]}}
    nb = standard()
    for _ in range(5):
        nb["cells"].append(code(["print('plot')\n"], outputs=[image]))
    f = write_nb(tmp_path / "big.ipynb", nb)
    assert f.stat().st_size > 5_000_000
    t0 = time.perf_counter()
    code_, data = check_json(capsys, str(f))
    elapsed = time.perf_counter() - t0
    assert code_ == 1 and {"LRN101", "LRN301"} <= set(by_rule(data))
    print(f"5 MB notebook checked in {elapsed:.2f} s")  # reported, not asserted


def test_a_probe_report_on_a_notebook_counts_lines_in_cells(tmp_path):
    """The probe measures the joined program; what the user reads (links, messages, evidence) is in cells."""
    from learnability.sources import load_source, report_in_cells

    src = load_source(write_nb(tmp_path / "train.ipynb", standard()))
    lines = src.text.splitlines()
    conv = next(i for i, t in enumerate(lines, 1) if "Conv2D" in t)
    compile_ = next(i for i, t in enumerate(lines, 1) if "model.compile" in t)
    made = next(i for i, t in enumerate(lines, 1) if t.startswith("X = "))
    report = {
        "verdict": "does_not_learn", "summary": f"does not fit the batch (rate set on line {compile_})",
        "findings": [
            {"rule": "LRN101", "line": conv, "column": 5, "end_line": conv, "end_column": 9,
             "message": f"sigmoid saturates (inputs made on line {made})", "evidence": [f"line {made}: up to 255"]},
            {"rule": "PRB001", "line": conv, "column": 1, "end_line": compile_, "end_column": 3, "message": "m",
             "fix": {"title": "t", "edits": [{"line": compile_, "column": 1, "end_line": compile_, "end_column": 4,
                                              "new_text": "x"}]}},
            {"rule": "PRB093", "line": None, "message": "no line",
             "data": {"traceback": [{"line": compile_, "code": "model.compile(...)"}]}},
        ],
        "layers": [{"name": "conv2d", "kind": "Conv2D", "line": conv}],
    }
    before = copy.deepcopy(report)
    out = report_in_cells(report, src.locate)
    assert report == before  # the probe's own copy keeps program lines
    sig, spanning, lineless = out["findings"]
    assert (sig["cell"], sig["line"], sig["end_line"], sig["column"], sig["end_column"]) == (5, 2, 2, 5, 9)
    assert sig["message"] == "sigmoid saturates (inputs made on line 1 of cell 3)"
    assert sig["evidence"] == ["line 1 of cell 3: up to 255"]
    assert out["summary"] == "does not fit the batch (rate set on line 1 of cell 6)"
    # a span that runs into the next cell ends on its first line; a fix edit is placed in its cell
    assert (spanning["cell"], spanning["line"], spanning["end_line"], spanning["end_column"]) == (5, 2, 2, None)
    assert spanning["fix"]["edits"][0] == {"line": 1, "cell": 6, "column": 1, "end_line": 1, "end_column": 4,
                                                "new_text": "x"}
    assert "cell" not in lineless and lineless["line"] is None
    assert lineless["data"]["traceback"] == [{"line": 1, "cell": 6, "code": "model.compile(...)"}]
    assert (out["layers"][0]["cell"], out["layers"][0]["line"]) == (5, 2)
    # a plain file has no cells: nothing changes
    (tmp_path / "t.py").write_text("x = 1\n")
    assert load_source(tmp_path / "t.py").locate(1) is None
