"""SARIF 2.1.0 output: the structure code-scanning tools read, and that it says the same as the JSON."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from learnability.cli import check_file, main
from learnability.config import Config
from learnability.engine import Analyzer
from learnability.findings import AnalysisError
from learnability.fixes import apply_fixes
from learnability.rules import all_rules
from learnability.sarif import to_sarif

SOURCE = textwrap.dedent('''\
    import numpy as np
    from tensorflow import keras
    from tensorflow.keras import layers

    X = np.random.rand(100, 28, 28, 1) * 255
    y = np.random.randint(0, 10, 100)
    model = keras.Sequential([
        layers.Conv2D(16, 3, activation="sigmoid", input_shape=(28, 28, 1)),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    model.fit(X, y, epochs=5)
''')


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src dir").mkdir()
    (tmp_path / "src dir" / "train.py").write_text(SOURCE)
    (tmp_path / "broken.py").write_text("x = (1,\n")
    return tmp_path


def sarif_of(capsys, *paths: str) -> tuple[int, dict]:
    code = main(["check", "--format", "sarif", *paths])
    return code, json.loads(capsys.readouterr().out)


def region_to_offsets(text: str, region: dict) -> tuple[int, int]:
    lines = text.splitlines(keepends=True)
    start = sum(len(x) for x in lines[: region["startLine"] - 1]) + region["startColumn"] - 1
    end = sum(len(x) for x in lines[: region["endLine"] - 1]) + region["endColumn"] - 1
    return start, end


def test_log_and_driver(project, capsys):
    code, log = sarif_of(capsys, "src dir/train.py")
    assert code == 1
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "learnability" and driver["version"]
    assert [r["id"] for r in driver["rules"]] == [r.id for r in all_rules()]
    for descriptor, rule in zip(driver["rules"], all_rules()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.rationale
        assert "helpUri" not in descriptor  # no project URL configured: none is invented
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                                "info": "note"}[rule.severity.value]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_results_match_the_json_findings(project, capsys):
    _, log = sarif_of(capsys, "src dir/train.py")
    main(["check", "--format", "json", "src dir/train.py"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len(results) == len(findings) > 0
    for res, f in zip(results, findings):
        assert res["ruleId"] == f["rule"] == rules[res["ruleIndex"]]["id"]
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f["severity"]]
        assert res["message"]["text"] == f["message"]
        (loc,) = res["locations"]
        assert loc["physicalLocation"]["artifactLocation"] == {"uri": "src%20dir/train.py", "uriBaseId": "%SRCROOT%"}
        assert loc["physicalLocation"]["region"] == {"startLine": f["line"], "startColumn": f["column"],
                                                     "endLine": f["end_line"], "endColumn": f["end_column"]}
        assert ("fixes" in res) == f["fixable"]


def test_region_covers_exactly_the_flagged_text(project, capsys):
    _, log = sarif_of(capsys, "src dir/train.py")
    res = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "LRN101")
    a, b = region_to_offsets(SOURCE, res["locations"][0]["physicalLocation"]["region"])
    assert SOURCE[a:b] == '"sigmoid"'


def test_fixes_replay_to_the_same_text_as_check_fix(project, capsys):
    _, log = sarif_of(capsys, "src dir/train.py")
    findings, _, _ = check_file(Analyzer(), Path("src dir/train.py"), Config(), fix=False)
    for res, finding in zip(log["runs"][0]["results"], findings):
        if "fixes" not in res:
            continue
        (change,) = res["fixes"][0]["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "src%20dir/train.py"
        text = SOURCE
        for rep in sorted(change["replacements"], key=lambda r: (r["deletedRegion"]["startLine"],
                                                                  r["deletedRegion"]["startColumn"]), reverse=True):
            a, b = region_to_offsets(text, rep["deletedRegion"])
            text = text[:a] + rep["insertedContent"]["text"] + text[b:]
        assert text == apply_fixes(SOURCE, [finding])[0]
        assert res["fixes"][0]["description"]["text"] == finding.fix.title


def test_files_that_do_not_parse_are_tool_notifications(project, capsys):
    code, log = sarif_of(capsys, "broken.py", "src dir/train.py")
    assert code == 1
    (inv,) = log["runs"][0]["invocations"]
    assert inv["executionSuccessful"] is True  # the tool worked; the file is broken
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and note["descriptor"]["id"] == "syntax"
    assert note["message"]["text"] == "syntax error: '(' was never closed"
    loc = note["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "broken.py"
    assert loc["region"] == {"startLine": 1, "startColumn": 5}


def test_internal_errors_mark_the_run_unsuccessful_and_paths_outside_root_are_absolute(tmp_path):
    outside = tmp_path / "elsewhere" / "x.py"
    root = tmp_path / "root"
    root.mkdir()
    log = to_sarif([], [AnalysisError(str(outside), 1, 0, "internal error in rule X", kind="internal")], root=root)
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    art = inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert art == {"uri": outside.resolve().as_uri()}
    assert re.match(r"file:///", art["uri"])


def test_notebook_results_name_their_cell_and_carry_no_fix(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# t"},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": SOURCE}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "t.ipynb").write_text(json.dumps(nb))
    _, log = sarif_of(capsys, "t.ipynb")
    results = log["runs"][0]["results"]
    assert results and all(r["properties"]["cell"] == 2 and "fixes" not in r for r in results)


def test_help_uri_is_the_configured_project_url(project, capsys, monkeypatch):
    monkeypatch.setenv("LEARNABILITY_DOCS_URL", "https://docs.example.org/rules.md#{id}")
    _, log = sarif_of(capsys, "src dir/train.py")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [d["helpUri"] for d in rules] == [f"https://docs.example.org/rules.md#{r.id.lower()}" for r in all_rules()]
    # a template without {id} gets the rule's anchor appended
    monkeypatch.setenv("LEARNABILITY_DOCS_URL", "https://docs.example.org/rules.html")
    _, log = sarif_of(capsys, "src dir/train.py")
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] == f"https://docs.example.org/rules.html#{all_rules()[0].id.lower()}"
