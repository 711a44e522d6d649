"""`[tool.learnability]` in the nearest pyproject.toml: what it changes, and clear errors when it is wrong."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import conv_script

from learnability.cli import main
from learnability.config import Config, ConfigError, find_pyproject, load_config

HIGH_LR = conv_script('optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="sparse_categorical_crossentropy"')


def project(tmp_path: Path, table: str, name: str = "proj") -> Path:
    root = tmp_path / name
    (root / "src").mkdir(parents=True)
    (root / "pyproject.toml").write_text(textwrap.dedent(table))
    (root / "src" / "train.py").write_text(HIGH_LR)
    return root / "src" / "train.py"


def check(capsys, *args: str) -> tuple[int, dict | None, str]:
    code = main(["check", "--format", "json", *args])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def rules(data: dict) -> set[str]:
    return {f["rule"] for f in data["findings"]}


def test_defaults_without_a_table(tmp_path, capsys):
    f = project(tmp_path, "[project]\nname = 'x'\n")
    code, data, _ = check(capsys, str(f))
    assert code == 1 and {"LRN101", "LRN301"} <= rules(data)


def test_select_and_ignore_from_pyproject(tmp_path, capsys):
    f = project(tmp_path, '[tool.learnability]\nselect = ["LRN1", "LRN3"]\nignore = ["LRN101"]\n')
    _, data, _ = check(capsys, str(f))
    assert "LRN301" in rules(data) and "LRN101" not in rules(data)
    assert all(r[:4] in ("LRN1", "LRN3") for r in rules(data))


def test_command_line_select_overrides_and_ignore_extends_the_file(tmp_path, capsys):
    f = project(tmp_path, '[tool.learnability]\nselect = ["LRN3"]\nignore = ["LRN302"]\n')
    _, data, _ = check(capsys, "--select", "LRN101", str(f))
    assert rules(data) == {"LRN101"}
    _, data, _ = check(capsys, "--ignore", "LRN301", str(f))
    assert rules(data) == set()


def test_threshold_changes_what_fires(tmp_path, capsys):
    f = project(tmp_path, "[tool.learnability.thresholds]\nlr_max_adaptive = 0.1\n")
    _, data, _ = check(capsys, str(f))
    assert "LRN301" not in rules(data)
    f2 = project(tmp_path, "[tool.learnability.thresholds]\nlr_max_adaptive = 0.01\n", name="strict")
    _, data, _ = check(capsys, str(f2))
    assert "LRN301" in rules(data)


def test_severity_override(tmp_path, capsys):
    f = project(tmp_path, '[tool.learnability.severity]\nLRN101 = "error"\nlrn301 = "info"\n')
    _, data, _ = check(capsys, str(f))
    sev = {x["rule"]: x["severity"] for x in data["findings"]}
    assert sev["LRN101"] == "error" and sev["LRN301"] == "info"


def test_nearest_pyproject_with_a_table_wins_and_ones_without_are_skipped(tmp_path):
    outer = tmp_path / "outer"
    inner = outer / "pkg" / "sub"
    inner.mkdir(parents=True)
    (outer / "pyproject.toml").write_text('[tool.learnability]\nignore = ["LRN101"]\n')
    (outer / "pkg" / "pyproject.toml").write_text("[project]\nname = 'pkg'\n")
    assert find_pyproject(inner) == outer / "pyproject.toml"
    assert load_config(inner).ignore == ["LRN101"]
    (inner / "pyproject.toml").write_text('[tool.learnability]\nignore = ["LRN301"]\n')
    assert load_config(inner).ignore == ["LRN301"]


def test_explicit_config_file(tmp_path, capsys):
    f = project(tmp_path, '[tool.learnability]\nignore = ["LRN101"]\n')
    other = tmp_path / "learnability.toml"
    other.write_text('select = ["LRN101"]\n')
    _, data, _ = check(capsys, "--config", str(other), str(f))
    assert rules(data) == {"LRN101"}


@pytest.mark.parametrize("table, message", [
    ("[tool.learnability\nselect = 1\n", "not valid TOML"),
    ("[tool.learnability]\nselct = ['LRN1']\n", "unknown key 'selct'"),
    ("[tool.learnability]\nselect = 5\n", "select must be a list of rule ids"),
    ("[tool.learnability]\nselect = ['LRN1', 3]\n", "select must be a list of rule ids"),
    ("[tool.learnability]\nselect = ['LRN999']\n", "'LRN999' matches no rule"),
    ("[tool.learnability]\nignore = ['XYZ']\n", "'XYZ' matches no rule"),
    ("[tool.learnability.thresholds]\nlr_max_adaptive = 'high'\n", "must be a number"),
    ("[tool.learnability.thresholds]\nlr_max = 0.1\n", "unknown threshold 'lr_max'"),
    ("[tool.learnability]\nthresholds = 3\n", "thresholds must be a table"),
    ("[tool.learnability.severity]\nLRN101 = 'fatal'\n", "must be error, warning or info"),
    ("[tool.learnability.severity]\nLRN999 = 'error'\n", "unknown rule 'LRN999'"),
])
def test_bad_configuration_exits_2_with_a_clear_message(tmp_path, capsys, table, message):
    f = project(tmp_path, table)
    code, data, err = check(capsys, str(f))
    assert code == 2
    assert data is None  # nothing half-done on stdout
    assert err.startswith("learnability: configuration error: ")
    assert message in err
    assert str(f.parent.parent / "pyproject.toml") in err
    assert "Traceback" not in err


def test_missing_config_file_is_a_usage_error(tmp_path, capsys):
    f = project(tmp_path, "")
    code, _, err = check(capsys, "--config", str(tmp_path / "nope.toml"), str(f))
    assert code == 2 and "no such configuration file" in err


def test_merged_is_a_copy():
    base = Config()
    cfg = base.merged({"ignore": "LRN101, lrn301", "thresholds": {"lr_min": 1e-7}})
    assert cfg.ignore == ["LRN101", "LRN301"] and cfg.threshold("lr_min") == 1e-7
    assert base.ignore == [] and base.threshold("lr_min") == 1e-6
    with pytest.raises(ConfigError):
        base.merged({"thresholds": {"lr_min": True}})


def test_probe_subtable_is_accepted_by_check_and_read_by_the_probe(tmp_path):
    from learnability.config import load_config
    from learnability.probe.runner import probe_settings

    (tmp_path / "pyproject.toml").write_text(
        "[tool.learnability]\nignore = [\"LRN602\"]\n\n[tool.learnability.probe]\nmax_steps = 120\n")
    (tmp_path / "train.py").write_text("x = 1\n")
    cfg = load_config(tmp_path / "train.py")
    assert "LRN602" in cfg.ignore
    opts, _ths, bad = probe_settings(tmp_path / "train.py")
    assert bad is None and opts["max_steps"] == 120
