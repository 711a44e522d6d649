"""`learnability check / rules / explain` as a user and other tools see them: output formats,
exit codes, selection, --fix, errors that never become tracebacks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, ROOT, conv_script

from learnability.cli import main
from learnability.findings import Category
from learnability.rules import all_rules

REQUIRED_KEYS = {"rule", "category", "severity", "path", "line", "column", "end_line", "end_column", "message", "fixable"}

SIGMOID = conv_script('optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]')


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command, in a child process, as pre-commit or CI runs it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "server"))
    return subprocess.run([sys.executable, "-m", "learnability", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)


def check_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- formats and exit codes
def test_json_output_has_exactly_the_documented_shape_in_a_subprocess():
    proc = run_cli("check", "--format", "json", "tests/fixtures/article1_sigmoid_scaled.py")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"version", "findings", "errors"}
    assert data["version"] == 1 and data["errors"] == []
    categories = {c.value for c in Category}
    for f in data["findings"]:
        assert REQUIRED_KEYS <= set(f)
        assert f["category"] in categories
        assert f["severity"] in ("error", "warning", "info")
        assert f["path"] == "tests/fixtures/article1_sigmoid_scaled.py"
        assert isinstance(f["fixable"], bool)
        assert 1 <= f["line"] <= f["end_line"] and f["column"] >= 1 and f["end_column"] >= 1
    sig = [f for f in data["findings"] if f["rule"] == "LRN101"]
    # line 10: `    layers.Conv2D(32, (3, 3), activation="sigmoid", ...`: 1-based column of the string
    line10 = (FIXTURES / "article1_sigmoid_scaled.py").read_text().splitlines()[9]
    assert [(f["line"], f["column"]) for f in sig][0] == (10, line10.index('"sigmoid"') + 1)
    assert sig[0]["end_column"] == line10.index('"sigmoid"') + len('"sigmoid"') + 1
    assert sig[0]["fixable"] is True


def test_human_output_is_path_line_col_rule_message(tmp_path):
    f = write(tmp_path / "train.py", SIGMOID)
    proc = run_cli("check", str(f))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    finding_lines = [ln for ln in lines if re.match(r"^.+:\d+:\d+: LRN\d{3} ", ln)]
    assert finding_lines, proc.stdout
    col = SIGMOID.splitlines()[7].index('"sigmoid"') + 1
    assert any(ln.startswith(f"{f}:8:{col}: LRN101 ") and ln.endswith("[*]") for ln in finding_lines), proc.stdout
    assert re.search(r"Found \d+ findings? \(\d+ fixable with --fix\)\.", proc.stdout)


def test_clean_file_exits_0_and_says_so(tmp_path, capsys):
    f = write(tmp_path / "plain.py", "import math\nprint(math.pi)\n")
    assert main(["check", str(f)]) == 0
    assert "No findings (1 file checked)." in capsys.readouterr().out


def test_usage_errors_exit_2():
    assert run_cli("check").returncode == 2  # no path
    assert run_cli("check", "--format", "xml", "tests/fixtures").returncode == 2

def test_a_missing_path_is_an_error_for_that_path_and_the_others_are_still_checked(tmp_path):
    # as ruff and flake8 do (E902): one bad path never stops the others
    write(tmp_path / "a.py", SIGMOID)
    proc = run_cli("check", "does/not/exist.py", str(tmp_path / "a.py"))
    assert proc.returncode == 1
    assert "does/not/exist.py:1:1: error: no such file or directory" in proc.stdout
    assert "LRN101" in proc.stdout
    assert "Traceback" not in proc.stderr + proc.stdout


def test_unknown_rule_in_select_is_a_usage_error(capsys):
    assert main(["check", "--select", "LRN999", str(FIXTURES)]) == 2
    assert "'LRN999' matches no rule" in capsys.readouterr().err


def test_file_with_only_a_syntax_error_is_reported_in_errors_with_its_line(tmp_path, capsys):
    f = write(tmp_path / "broken.py", "import numpy as np\n\nx = np.ones((3,\n")
    code, data = check_json(capsys, str(f))
    assert code == 1
    assert data["findings"] == []
    assert data["errors"] == [{"path": str(f), "line": 3, "column": 13, "kind": "syntax",
                               "message": "syntax error: '(' was never closed"}]


def test_syntax_error_human_output_has_no_traceback(tmp_path):
    f = write(tmp_path / "broken.py", "def f(:\n    pass\n")
    proc = run_cli("check", str(f))
    assert proc.returncode == 1
    assert f"{f}:1:7: syntax error: invalid syntax" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_syntax_error_in_one_statement_keeps_findings_of_the_others(tmp_path, capsys):
    half_typed = SIGMOID.replace("model.compile(", "model.compile(optimizer=,\nmodel.compile(")
    code, data = check_json(capsys, str(write(tmp_path / "t.py", half_typed)))
    assert code == 1
    assert [e["line"] for e in data["errors"]] == [12]
    assert "LRN101" in {f["rule"] for f in data["findings"]}


def test_non_utf8_file_is_an_error_entry_not_a_crash(tmp_path, capsys):
    f = tmp_path / "latin.py"
    f.write_bytes(b"x = 1\ns = '\xe9t\xe9'\n")
    code, data = check_json(capsys, str(f))
    assert code == 1
    assert data["errors"][0]["kind"] == "io"
    assert data["errors"][0]["line"] == 2
    assert "not UTF-8" in data["errors"][0]["message"]


def test_rule_crash_is_reported_and_exits_2(tmp_path, capsys, monkeypatch):
    from learnability.rules import base

    def boom(rule, ctx):
        raise RuntimeError("kaboom")
        yield  # pragma: no cover

    rule = base.Rule("LRN998", "boom", Category.API, base.Severity.INFO, "s", "r", None, boom)
    monkeypatch.setitem(base.REGISTRY, "LRN998", rule)
    code, data = check_json(capsys, str(write(tmp_path / "t.py", SIGMOID)))
    assert code == 2
    internal = [e for e in data["errors"] if e["kind"] == "internal"]
    assert len(internal) == 1 and "rule LRN998" in internal[0]["message"] and "kaboom" in internal[0]["message"]
    assert "LRN101" in {f["rule"] for f in data["findings"]}  # the other rules still ran


# --------------------------------------------------------------------------- selection and suppression
def test_select_and_ignore(tmp_path, capsys):
    f = str(write(tmp_path / "t.py", SIGMOID))
    _, everything = check_json(capsys, f)
    assert [x["rule"] for x in everything["findings"]].count("LRN101") == 1
    _, only1 = check_json(capsys, "--select", "LRN1", f)
    assert only1["findings"] and all(x["rule"].startswith("LRN1") for x in only1["findings"])
    _, ignored = check_json(capsys, "--ignore", "lrn101", f)
    assert "LRN101" not in {x["rule"] for x in ignored["findings"]}
    assert len(ignored["findings"]) == len(everything["findings"]) - 1
    _, both = check_json(capsys, "--select", "LRN1,LRN6", "--ignore", "LRN101", f)
    assert all(x["rule"][:4] in ("LRN1", "LRN6") and x["rule"] != "LRN101" for x in both["findings"])


def test_per_line_suppression(tmp_path, capsys):
    suppressed = SIGMOID.replace('input_shape=(28, 28, 1)),', 'input_shape=(28, 28, 1)),  # learnability: ignore[LRN101]')
    _, data = check_json(capsys, str(write(tmp_path / "t.py", suppressed)))
    assert "LRN101" not in {x["rule"] for x in data["findings"]}
    other = SIGMOID.replace('input_shape=(28, 28, 1)),', 'input_shape=(28, 28, 1)),  # learnability: ignore[LRN999]')
    _, data = check_json(capsys, str(write(tmp_path / "u.py", other)))
    assert "LRN101" in {x["rule"] for x in data["findings"]}


# --------------------------------------------------------------------------- folders
def test_folders_are_walked_for_py_and_ipynb_skipping_hidden_and_venvs(tmp_path, capsys):
    write(tmp_path / "proj" / "a.py", SIGMOID)
    write(tmp_path / "proj" / "pkg" / "b.py", SIGMOID)
    write(tmp_path / "proj" / "notes.txt", SIGMOID)
    write(tmp_path / "proj" / ".hidden" / "c.py", SIGMOID)
    write(tmp_path / "proj" / "node_modules" / "d.py", SIGMOID)
    write(tmp_path / "proj" / "myenv" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "proj" / "myenv" / "lib" / "e.py", SIGMOID)
    _, data = check_json(capsys, str(tmp_path / "proj"), str(tmp_path / "proj" / "a.py"))
    paths = sorted({Path(f["path"]).relative_to(tmp_path / "proj").as_posix() for f in data["findings"]})
    assert paths == ["a.py", "pkg/b.py"]
    assert len([f for f in data["findings"] if f["path"].endswith("a.py") and f["rule"] == "LRN101"]) == 1


def test_inside_a_git_work_tree_gitignored_files_are_skipped(tmp_path, capsys):
    repo = tmp_path / "repo"
    write(repo / ".gitignore", "generated/\nscratch_*.py\n")
    write(repo / "train.py", SIGMOID)
    write(repo / "generated" / "copy.py", SIGMOID)
    write(repo / "scratch_1.py", SIGMOID)
    write(repo / "sub" / "untracked.py", SIGMOID)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "train.py", ".gitignore"], check=True)
    _, data = check_json(capsys, str(repo))
    paths = sorted({Path(f["path"]).relative_to(repo).as_posix() for f in data["findings"]})
    assert paths == ["sub/untracked.py", "train.py"]  # tracked and untracked-not-ignored; ignored skipped
    _, data = check_json(capsys, str(repo / "generated" / "copy.py"))  # named explicitly: checked
    assert data["findings"]


def test_the_articles_examples_from_the_readme(capsys):
    """README's quick start (and scripts/setup.sh): `learnability check tests/fixtures/article*.py`."""
    code, data = check_json(capsys, *sorted(str(p) for p in (ROOT / "tests" / "fixtures").glob("article*.py")))
    assert code == 1
    rules = {(Path(f["path"]).name, f["rule"]) for f in data["findings"] if f["severity"] != "info"}
    assert rules == {("article1_sigmoid_scaled.py", "LRN101"), ("article1_sigmoid_scaled.py", "LRN501"),
                     ("article2_high_lr.py", "LRN301"), ("article3_constant_inputs.py", "LRN601")}


# --------------------------------------------------------------------------- --fix
def test_fix_rewrites_only_the_fixed_spans_and_reports_the_count(tmp_path, capsys):
    f = write(tmp_path / "t.py", SIGMOID)
    code = main(["check", "--fix", "--select", "LRN101", str(f)])
    out = capsys.readouterr().out
    assert "Fixed 1 finding." in out
    assert code == 0  # nothing left for the selected rule
    assert f.read_text() == SIGMOID.replace('activation="sigmoid"', 'activation="relu"')


def test_fix_keeps_crlf_line_endings(tmp_path, capsys):
    f = tmp_path / "t.py"
    f.write_bytes(SIGMOID.replace("\n", "\r\n").encode())
    main(["check", "--fix", "--select", "LRN101", str(f)])
    data = f.read_bytes()
    assert b'activation="relu"' in data
    assert data.count(b"\r\n") == SIGMOID.count("\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_fix_with_json_output_reports_the_count_on_stderr(tmp_path, capsys):
    f = write(tmp_path / "t.py", SIGMOID)
    code = main(["check", "--fix", "--format", "json", str(f)])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert re.match(r"Fixed [1-9]\d* findings?\.", captured.err)
    assert "LRN101" not in {x["rule"] for x in data["findings"]}
    assert code in (0, 1)
    # whatever it changed still parses and is not flagged again for what was fixed
    compile(f.read_text(), str(f), "exec", flags=0x400)  # ast.PyCF_ONLY_AST: parse, never run


def test_fix_never_writes_a_file_that_does_not_parse(tmp_path, capsys, monkeypatch):
    from learnability import cli
    from learnability.findings import Fix, Span, TextEdit

    f = write(tmp_path / "t.py", SIGMOID)
    real_check = cli.Analyzer.analyze

    def analyze_with_bad_fix(self, source, path="<string>", config=None):
        result = real_check(self, source, path, config)
        for finding in result.findings:
            finding.fix = Fix("break it", (TextEdit(Span(1, 0, 1, 0), "((("),))
        return result

    monkeypatch.setattr(cli.Analyzer, "analyze", analyze_with_bad_fix)
    code = main(["check", "--fix", str(f)])
    assert f.read_text() == SIGMOID
    assert code == 2
    assert "fixes not applied" in capsys.readouterr().out


# --------------------------------------------------------------------------- rules and explain
def test_rules_lists_every_rule_as_a_table_and_as_json(capsys):
    assert main(["rules"]) == 0
    table = capsys.readouterr().out
    ids = [r.id for r in all_rules()]
    assert all(i in table for i in ids)
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    from learnability.probe.checks import all_checks

    checks = [c.id for c in all_checks()]
    assert all(i in table for i in checks)  # the probe's checks, in their own table
    assert [d["id"] for d in data] == ids + checks
    assert [d["id"] for d in data if d.get("probe")] == checks
    assert all(d["url"] is None for d in data)  # no project URL invented (LEARNABILITY_DOCS_URL unset)


def test_rules_json_and_explain_link_to_the_configured_project_url(capsys, monkeypatch):
    monkeypatch.setenv("LEARNABILITY_DOCS_URL", "https://docs.example.org/learnability/rules.md#{id}")
    assert main(["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["id"]: d["url"] for d in data}["LRN101"] == "https://docs.example.org/learnability/rules.md#lrn101"
    assert {d["id"]: d["url"] for d in data}["PRB014"] == "https://docs.example.org/learnability/rules.md#prb014"
    assert main(["explain", "LRN301"]) == 0
    assert "Docs: https://docs.example.org/learnability/rules.md#lrn301" in capsys.readouterr().out
    monkeypatch.delenv("LEARNABILITY_DOCS_URL")
    assert main(["explain", "LRN301"]) == 0
    assert "Docs:" not in capsys.readouterr().out


def test_explain_a_probe_check():
    proc = run_cli("explain", "prb014")
    assert proc.returncode == 0
    assert "single-class-labels" in proc.stdout and "a probe check" in proc.stdout and "255" in proc.stdout
    assert "every label is the same class: the labels look divided by 255" in proc.stdout  # its first case
    proc = run_cli("explain", "PRB018")
    assert proc.returncode == 0 and "Decided in probe.plan.generic" in proc.stdout  # on the repair runs


def test_explain_a_probe_check_shows_its_first_case_decided():
    from learnability.cli import explain_text
    from learnability.probe.checks import get_check
    from learnability.probe.report import THRESHOLDS

    check = get_check("PRB003")
    hit = check.hits(check.invalid[0].record, THRESHOLDS)[0]
    text = explain_text("prb003")
    assert "Example (a measurement on which it fires):" in text
    assert hit.message in text and f"measured: {hit.evidence}" in text
    assert check.invalid[0].message in text


def test_explain_prints_the_rationale_and_unknown_ids_exit_2():
    proc = run_cli("explain", "lrn101")
    assert proc.returncode == 0
    rule = next(r for r in all_rules() if r.id == "LRN101")
    assert rule.rationale in proc.stdout and "# learnability: ignore[LRN101]" in proc.stdout
    # the example is the rule's first INVALID case, and "Fixed" that case's fixed program (both tested)
    example, fixed = rule.invalid[0].code, rule.invalid[0].fixed
    body = proc.stdout.split("Example:\n", 1)[1]
    shown, shown_fixed = body.split("\nFixed:\n", 1)
    assert [ln.strip() for ln in shown.strip().splitlines()] == [ln.strip() for ln in example.strip().splitlines()]
    assert [ln.strip() for ln in fixed.strip().splitlines()] == \
        [ln.strip() for ln in shown_fixed.split("\nNot reported:", 1)[0].strip().splitlines()]
    proc = run_cli("explain", "LRN999")
    assert proc.returncode == 2
    assert "unknown rule 'LRN999'" in proc.stderr


def test_pre_commit_hook_definition():
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert re.search(r"^- id: learnability$", text, re.M)
    assert re.search(r"^  entry: learnability check$", text, re.M)
    assert re.search(r"^  language: python$", text, re.M)
    assert re.search(r"^  types_or: \[python, jupyter\]$", text, re.M)


def test_a_skipped_giant_statement_is_a_note_and_does_not_fail_the_check(tmp_path, capsys):
    rows = "".join(f"    [{i}, {i % 7}],\n" for i in range(12_000))
    f = write(tmp_path / "data.py", "DATA = [\n" + rows + "]\nprint(len(DATA))\n")
    assert main(["check", str(f)]) == 0
    out = capsys.readouterr().out
    assert f"{f}:1:1: note: not analysed: a statement of " in out
    code, data = check_json(capsys, str(f))
    assert code == 0 and data["findings"] == [] and [e["kind"] for e in data["errors"]] == ["skipped"]
