"""What Python and IPython accept is never a syntax error, and no model is hidden by how the text is cut:
IPython syntax in notebook cells, bracketed expressions continued in column 0, honest messages."""

from __future__ import annotations

import json
import os
from pathlib import Path

from learnability.cli import main
from learnability.engine import Analyzer
from learnability.sources import MAX_BYTES, cell_python_lines, load_source, notebook_program

IMPORTS = "import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n"
MODEL = ("model = keras.Sequential([\n"
         "    layers.Dense(16, activation=\"sigmoid\", input_shape=(8,)),\n"
         "    layers.Dense(16, activation=\"sigmoid\"),\n"
         "    layers.Dense(1, activation=\"softmax\"),\n"
         "])\n"
         "model.compile(optimizer=\"adam\", loss=\"binary_crossentropy\")\n")


def nb_file(path: Path, *cells: str) -> Path:
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": c.splitlines(keepends=True)} for c in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, indent=1))
    return path


def check_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_ipython_syntax_in_cells_is_not_a_syntax_error(tmp_path, capsys):
    f = nb_file(
        tmp_path / "n.ipynb",
        "%%bash\nfor f in *.csv; do echo $f; done\nif [ -d data ]; then ls data; fi\n",
        "%%writefile train.py\nthis is (not analysed\n",
        IMPORTS + "files = !ls -la\ny = %time np.ones(3)\nkeras.Sequential?\n??keras.Model\nnp.ones??\n%matplotlib inline\n",
        "IN_COLAB = False\nif IN_COLAB:\n    %pip install -q keras_tuner\n    !nvidia-smi\nelse:\n    layers?\n",
        "\n%%time\n" + MODEL,  # %%time runs its body as Python: the model is analysed
        "%time model.fit(np.ones((10, 8)), np.ones(10), epochs=5)\nh = %time model.fit(np.ones((10, 8)), np.ones(10))\n",
    )
    code, data = check_json(capsys, str(f))
    assert data["errors"] == []
    found = {(x["rule"], x["cell"], x["line"]) for x in data["findings"]}
    assert ("LRN102", 5, 6) in found  # softmax on one unit, in the %%time cell (line 6 of the cell)
    assert code == 1


def test_cell_python_lines_keep_lines_and_columns():
    cell = "if x:\n    %pip install a\n    y = %time f(1)\n    files = !ls\n%time g(2)\nobj?\n"
    assert cell_python_lines(cell) == ["if x:", "    pass", "    y =       f(1)", "    files = ...", "pass; g(2)", ""]
    assert cell_python_lines("%%html\n<b>x</b>\n") == ["", ""]
    assert cell_python_lines("  !ls\n  x = 1\n") == ["", "  x = 1"]  # a cell indented as a whole


def test_notebook_syntax_error_names_the_cell_once_and_a_line_inside_it(tmp_path, capsys):
    f = nb_file(tmp_path / "n.ipynb", IMPORTS, "X = np.ones((10, 8))\nmodel = keras.Sequential([\n    layers.Dense(1),\n")
    main(["check", str(f)])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "syntax error" in line]
    assert len(lines) == 1, out
    assert lines[0].startswith(f"{f}:cell_2:2:")  # the open bracket's line, in cell 2
    assert lines[0].count("syntax error") == 1 and "cell 2" not in lines[0]
    code, data = check_json(capsys, str(f))
    (err,) = data["errors"]
    assert (err["cell"], err["line"]) == (2, 2)


def test_a_syntax_error_at_the_end_of_a_cell_cites_a_line_of_that_cell(tmp_path, capsys):
    src = load_source(nb_file(tmp_path / "n.ipynb", "x = (1 +\n", "y = 2\n"))
    result = Analyzer().analyze(src.text, str(src.path))
    for e in result.errors:
        mapped = src.map_error(e)
        assert mapped.cell is not None
        cell_text = src.cells[mapped.cell - 1]
        assert 1 <= mapped.line <= len(cell_text.splitlines()), (mapped, cell_text)


def test_size_limit_message_gives_the_real_size(tmp_path, capsys):
    f = tmp_path / "big.py"
    with open(f, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no 20 MB written
    code, data = check_json(capsys, str(f))
    msg = data["errors"][0]["message"]
    assert f"{MAX_BYTES + 1:,} bytes" in msg and f"({MAX_BYTES:,} bytes)" in msg
    assert "is 20 MB, above the 20 MB" not in msg
    os.unlink(f)


# --------------------------------------------------------------------------- brackets in column 0
ISSUE_EXAMPLE = (
    "import keras\n"
    "model = keras.Sequential([\n"
    "keras.Input((8,)),\n"
    "keras.layers.Dense(16, activation=\"relu\"),\n"
    "keras.layers.Dense(16, activation=\"relu\"),\n"
    "keras.layers.Dense(1, activation=\"softmax\")])\n"
    "model.compile(optimizer=\"adam\", loss=\"binary_crossentropy\")\n"
)


def test_bracketed_expression_continued_in_column_0_is_one_statement():
    result = Analyzer().analyze(ISSUE_EXAMPLE)
    assert result.errors == []
    assert [(f.rule, f.span.line) for f in result.findings if f.rule == "LRN102"] == [("LRN102", 6)]


def test_column_0_continuations_with_brackets_in_strings_comments_and_triple_quotes():
    text = ISSUE_EXAMPLE.replace(
        "keras.Input((8,)),\n",
        "keras.Input((8,), name=\"in(\"),  # a comment with ) and ]\n"
        "keras.layers.Dense(16, name='''a\n)]\nb'''),\n"
        "keras.layers.Dense(16, name='x]' \\\n"
        "),\n") + "\n" * 3
    result = Analyzer().analyze(text)
    assert result.errors == []
    assert any(f.rule == "LRN102" for f in result.findings)
    long = ISSUE_EXAMPLE.replace("keras.Input((8,)),\n", "keras.Input((8,)),\n" + "keras.layers.Dense(4),\n" * 300)
    result = Analyzer().analyze(long)
    assert result.errors == [] and any(f.rule == "LRN102" for f in result.findings)


def test_an_unclosed_bracket_still_leaves_the_statements_after_it_their_findings():
    text = IMPORTS + "X = np.ones((10, 8)\n" + MODEL
    result = Analyzer().analyze(text)
    assert [(e.line, e.kind) for e in result.errors] == [(4, "syntax")]
    assert any(f.rule == "LRN102" for f in result.findings)


def test_merged_chunks_stay_cached_across_edits():
    analyzer = Analyzer()
    analyzer.analyze(ISSUE_EXAMPLE)
    before = analyzer.cache.parses
    analyzer.analyze(ISSUE_EXAMPLE.replace("loss=\"binary_crossentropy\"", "loss=\"mse\""))
    assert analyzer.cache.parses - before == 1  # only the edited statement is parsed again


def test_notebook_program_lines_match_cells():
    cells = ["a = 1\r\nb = 2\r\n", "c = 3\rd = 4"]
    program, mapping = notebook_program(cells)
    assert program.split("\n")[:6] == ["a = 1", "b = 2", "", "c = 3", "d = 4", ""]
    assert mapping[:6] == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


def test_notebook_messages_cite_lines_of_cells_not_of_the_joined_program(tmp_path, capsys):
    # LRN501 says where the unscaled data was made: in another cell, by that cell's own line
    f = nb_file(tmp_path / "n.ipynb",
                IMPORTS,
                "# data\n\n\n\nX = np.random.rand(100, 8) * 255\ny = np.random.randint(0, 2, 100)\n",
                "model = keras.Sequential([layers.Dense(1, activation=\"sigmoid\", input_shape=(8,))])\n"
                "model.compile(optimizer=\"adam\", loss=\"binary_crossentropy\")\n"
                "model.fit(X, y, epochs=5)\n")
    code, data = check_json(capsys, str(f))
    messages = [x["message"] for x in data["findings"] if "made on line" in x["message"]]
    assert messages, data["findings"]
    assert all("made on line 5 of cell 2" in m for m in messages), messages


def test_percent_and_bang_inside_strings_and_brackets_are_python():
    cell = 'msg = """\n%d items\n!important\n%s""" % (1, 2)\nx = (10\n% 3)\ny = [1,\n!= 2] if False else 0\n%who\n'
    lines = cell_python_lines(cell)
    assert lines[:8] == cell.split("\n")[:8]  # untouched: inside a string or open brackets
    assert lines[-1] == ""  # the magic after them is still a magic


def test_statements_after_form_feeds_are_statements_of_their_own():
    # "\fx = 1" is in column 0 for CPython: each such statement is its own chunk (cached, and never
    # swallowed into a neighbour that is too large to analyse)
    data = "DATA = [" + ", ".join(["0.5"] * 30_000) + "]\n"
    text = "\x0c" + ISSUE_EXAMPLE.replace("\n", "\n\x0c").rstrip("\x0c") + "\x0c" + data
    result = Analyzer().analyze(text)
    assert [e.kind for e in result.errors] == ["skipped"] and result.errors[0].line == 8
    assert [(f.rule, f.span.line) for f in result.findings if f.rule == "LRN102"] == [("LRN102", 6)]
