"""`--fix` never loses a byte: line ends (CR-only, CRLF, mixed), BOMs, file modes and notebook JSON are
kept outside the fixed spans, and a write that fails (a full disk) leaves the file as it was."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, conv_script

from learnability import sources
from learnability.cli import main
from learnability.findings import Span, TextEdit
from learnability.fixes import apply_edits

SIGMOID = conv_script('optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]')
FIXED = SIGMOID.replace('activation="sigmoid"', 'activation="relu"')


def with_ends(text: str, ends: list[str]) -> str:
    """`text` (LF) with line i ended by ends[i % len(ends)]."""
    lines = text.split("\n")
    return "".join(line + ends[i % len(ends)] for i, line in enumerate(lines[:-1])) + lines[-1]


def line_ends(data: bytes) -> list[bytes]:
    return re.findall(rb"\r\n|\r|\n", data)


@pytest.mark.parametrize("ends", [["\r"], ["\r\n"], ["\n", "\r\n", "\r"], ["\r", "\n"]], ids=["cr", "crlf", "mixed3", "mixed2"])
def test_fix_replaces_the_span_and_keeps_every_line_end(tmp_path, capsys, ends):
    f = tmp_path / "t.py"
    original = with_ends(SIGMOID, ends).encode()
    f.write_bytes(original)
    assert main(["check", "--fix", "--select", "LRN101", str(f)]) == 0
    assert "Fixed 1 finding." in capsys.readouterr().out
    data = f.read_bytes()
    assert data == with_ends(FIXED, ends).encode()  # the span replaced, nothing appended, ends as they were
    assert line_ends(data) == line_ends(original)
    main(["check", "--fix", "--select", "LRN101", str(f)])  # a second run finds nothing and changes nothing
    assert f.read_bytes() == data


def test_a_fix_inserting_lines_uses_the_end_of_the_line_it_edits():
    source = "a = 1\rb = 2\r\nc = 3\n"
    out = apply_edits(source, [TextEdit(Span(1, 5, 1, 5), "\nx = 0"), TextEdit(Span(2, 5, 2, 5), "\ny = 0"),
                               TextEdit(Span(3, 5, 3, 5), "\nz = 0")])
    assert out == "a = 1\rx = 0\rb = 2\r\ny = 0\r\nc = 3\nz = 0\n"


def test_form_feed_and_unicode_line_separators_are_not_line_ends(tmp_path):
    # CPython and libcst end lines at \r\n, \r and \n only: \f, U+2028, U+0085 inside comments and
    # strings must not shift the fix of a later line
    text = SIGMOID.replace("import numpy as np\n", "import numpy as np  # a\u2028b\x85c\x0cd\nS = 'x\u2029y'\n\x0c\n")
    f = tmp_path / "t.py"
    f.write_text(text, encoding="utf-8", newline="")
    main(["check", "--fix", "--select", "LRN101", str(f)])
    assert f.read_bytes().decode("utf-8") == text.replace('activation="sigmoid"', 'activation="relu"')


def test_bom_mode_and_symlink_are_kept(tmp_path, capsys):
    real = tmp_path / "real.py"
    real.write_bytes(b"\xef\xbb\xbf" + SIGMOID.encode())
    real.chmod(0o640)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    main(["check", "--fix", "--select", "LRN101", str(link)])
    assert link.is_symlink()
    assert real.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()
    assert real.stat().st_mode & 0o7777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]  # no temporary file left


class _FullDisk:
    """A file object that writes half of what it is given, then fails as a full disk does."""

    def __init__(self, f):
        self._f = f

    def write(self, data):
        self._f.write(data[: len(data) // 2])
        self._f.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


@pytest.mark.parametrize("name", ["t.py", "t.ipynb"])
def test_a_failed_write_leaves_the_file_untouched_and_exits_2(tmp_path, capsys, monkeypatch, name):
    f = tmp_path / name
    if name.endswith(".ipynb"):
        original = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                          "source": SIGMOID.splitlines(keepends=True)}],
                               "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1).encode()
    else:
        original = SIGMOID.encode()
    f.write_bytes(original)
    real_fdopen = os.fdopen
    monkeypatch.setattr(sources.os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k)))
    code = main(["check", "--fix", str(f)])
    out = capsys.readouterr().out
    assert code == 2
    assert f.read_bytes() == original
    assert f"{f}:1:1: error: cannot write fixes: No space left on device (the file is unchanged)" in out
    assert "Fixed" not in out
    assert [p.name for p in tmp_path.iterdir()] == [name]  # the temporary file is removed


def test_a_full_tmpfs_leaves_the_file_untouched(tmp_path, capsys):
    mnt = tmp_path / "small"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.decode().strip() or proc.returncode}); "
                    "the simulated full disk above covers the same path")
    try:
        f = mnt / "t.py"
        f.write_text(SIGMOID)
        fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill the disk up, to the last byte
            while True:
                if os.write(fd, b"\0" * 512) == 0:
                    break
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)
        code = main(["check", "--fix", str(f)])
        out = capsys.readouterr().out
        assert code == 2
        assert "No space left on device" in out
        assert f.read_text() == SIGMOID
        assert sorted(p.name for p in mnt.iterdir()) == ["filler", "t.py"]
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


# --------------------------------------------------------------------------- notebooks
def _nb_json(ensure_ascii: bool, indent: int, newline: str) -> str:
    model_lines = ["import numpy as np\n", "from tensorflow import keras\n", "from tensorflow.keras import layers\n",
                   "X = np.random.rand(100, 28, 28, 1) * 255  # données\n", "y = np.repeat(np.arange(10), 10)\n",
                   "model = keras.Sequ", "ential([\n",  # a line split over two items: kept as written
                   "    layers.Conv2D(16, 3, activation=\"sigmoid\", input_shape=(28, 28, 1)),  # é\n",
                   "    layers.Flatten(),\n", "    layers.Dense(10, activation=\"softmax\"),\n", "])\n",
                   "model.compile(optimizer=\"adam\", loss=\"sparse_categorical_crossentropy\")\n",
                   "model.fit(X, y, epochs=5)"]
    nb = {"nbformat_minor": 5, "nbformat": 4,  # keys not in nbformat's order
          "cells": [{"source": ["# Titre é\n", "ünïcode"], "cell_type": "markdown", "metadata": {}},
                    {"cell_type": "code", "metadata": {"z": 1, "a": 2}, "execution_count": 3,
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": ["Epoch 1/5 ✓\n"]}],
                     "source": model_lines}],
          "metadata": {}}
    return json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii).replace("\n", newline) + newline


@pytest.mark.parametrize("ensure_ascii,indent,newline,bom", [(False, 1, "\n", False), (True, 2, "\r\n", True),
                                                            (False, 4, "\r\n", False)])
def test_notebook_fix_changes_only_the_edited_source_item(tmp_path, capsys, ensure_ascii, indent, newline, bom):
    raw = _nb_json(ensure_ascii, indent, newline)
    f = tmp_path / "n.ipynb"
    f.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw.encode())
    main(["check", "--fix", "--select", "LRN101", str(f)])
    assert "Fixed 1 finding." in capsys.readouterr().out
    old_item = json.dumps("    layers.Conv2D(16, 3, activation=\"sigmoid\", input_shape=(28, 28, 1)),  # é\n",
                          ensure_ascii=ensure_ascii)
    assert raw.count(old_item) == 1
    expected = raw.replace(old_item, old_item.replace("sigmoid", "relu"))
    assert f.read_bytes() == (b"\xef\xbb\xbf" if bom else b"") + expected.encode()


def test_notebook_fix_that_adds_a_line_splits_the_new_text_after_line_ends(tmp_path):
    raw = _nb_json(False, 1, "\n")
    src = sources.load_source(_write(tmp_path / "n.ipynb", raw))
    cell = src.cells[0]
    new = cell.replace("model.fit(X, y, epochs=5)", "X = X / 255.0\nmodel.fit(X, y, epochs=5)")
    out = sources.splice_cell_sources(raw, {1: new})
    items = json.loads(out)["cells"][1]["source"]
    assert items[-2:] == ["X = X / 255.0\n", "model.fit(X, y, epochs=5)"]
    assert items[5:7] == ["model = keras.Sequ", "ential([\n"]  # untouched items keep their chunking
    assert out.replace(',\n    "X = X / 255.0\\n"', "", 1) == raw


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_notebook_with_a_plain_string_source_stays_a_string(tmp_path):
    nb = json.loads(_nb_json(False, 1, "\n"))
    nb["cells"][1]["source"] = "".join(nb["cells"][1]["source"])
    f = _write(tmp_path / "n.ipynb", json.dumps(nb, indent=1))
    before = f.read_text()
    main(["check", "--fix", "--select", "LRN101", str(f)])
    after = json.loads(f.read_text())
    assert after["cells"][1]["source"] == nb["cells"][1]["source"].replace("sigmoid", "relu")
    old = json.dumps(nb["cells"][1]["source"])  # the file was written with ASCII escapes
    assert f.read_text() == before.replace(old, old.replace("sigmoid", "relu"))


def test_a_fix_on_a_line_that_starts_with_form_feeds_lands_on_its_span(tmp_path):
    # libcst drops a statement's leading form feeds (and their columns): the fix must not land early
    plain = (FIXTURES / "article1_sigmoid_scaled.py").read_text()
    assert "model.fit(X, y" in plain  # LRN501 scales X here: an edit inside the line
    text = plain.replace("model.fit(", "\x0c\x0cmodel.fit(").replace("model = keras", "\x0cmodel = keras")
    f = tmp_path / "t.py"
    f.write_text(text)
    main(["check", "--fix", str(f)])
    g = tmp_path / "plain.py"
    g.write_text(plain)
    main(["check", "--fix", str(g)])
    assert "model.fit(X / 100.0, y" in g.read_text()
    assert f.read_text() == g.read_text().replace("model.fit(", "\x0c\x0cmodel.fit(").replace("model = keras", "\x0cmodel = keras")
