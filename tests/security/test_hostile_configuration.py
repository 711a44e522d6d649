"""A pyproject.toml written to confuse: NaN and infinite thresholds, negative or absurd values, unknown keys or
wrong types under [tool.learnability.probe], a byte order mark, a file that is no file. Each is the same clear
configuration error (exit 2, the file and the key named, nothing on stdout, no traceback), never a silently
wrong analysis; `check` and the probe read the probe table through the same check."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from conftest import conv_script

from learnability.cli import main
from learnability.probe.runner import probe_settings

SCRIPT = conv_script('optimizer="adam", loss="sparse_categorical_crossentropy"')

CASES = [
    ("[tool.learnability.thresholds]\nlr_min = nan\n", "threshold 'lr_min' must be a finite number, not nan"),
    ("[tool.learnability.thresholds]\nlr_max_adaptive = inf\n", "threshold 'lr_max_adaptive' must be a finite number"),
    ("[tool.learnability.thresholds]\nlr_max_sgd = -inf\n", "threshold 'lr_max_sgd' must be a finite number"),
    ("[tool.learnability.thresholds]\ninput_max_abs = -10\n", "threshold 'input_max_abs' must be above 0"),
    ("[tool.learnability.thresholds]\nlr_min = 0\n", "threshold 'lr_min' must be above 0 and at most 1, not 0"),
    ("[tool.learnability.thresholds]\ndropout_max = 5\n", "threshold 'dropout_max' must be above 0 and at most 1, not 5"),
    ("[tool.learnability.thresholds]\ninit_stddev_max = 1e308\n", "threshold 'init_stddev_max' must be above 0"),
    ("[tool.learnability.probe]\nmax_stepz = 3\n", "[tool.learnability.probe]: unknown key 'max_stepz' (known: seed,"),
    ("[tool.learnability.probe]\nmax_steps = '150'\n", "[tool.learnability.probe]: 'max_steps' must be a whole number, not '150'"),
    ("[tool.learnability.probe]\nmax_steps = 1.5\n", "'max_steps' must be a whole number, not 1.5"),
    ("[tool.learnability.probe]\nbatch = true\n", "'batch' must be a whole number, not True"),
    ("[tool.learnability.probe]\nn_train = 1_000_000_000_000\n", "'n_train' must be at least 1 and at most 100000"),
    ("[tool.learnability.probe]\nbudget_s = nan\n", "'budget_s' must be a finite number, not nan"),
    ("[tool.learnability.probe]\ntimeout_s = -5\n", "'timeout_s' must be above 0"),
    ("[tool.learnability.probe]\nthresholds = 2\n", "[tool.learnability.probe] thresholds must be a table"),
    ("[tool.learnability.probe.thresholds]\nspeedup = inf\n", "threshold 'speedup' must be a finite number, not inf"),
    ("[tool.learnability.probe.thresholds]\nfit_accuracy = 95\n", "threshold 'fit_accuracy' must be above 0 and at most 1"),
    ("[tool.learnability.probe.thresholds]\nspeed = 2\n", "unknown threshold 'speed'"),
    ("[tool.learnability]\nprobe = [1, 2]\n", "[tool.learnability.probe] must be a table, not [1, 2]"),
]


def project(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / "pyproject.toml").write_bytes(content)
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    return script


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_config_error(code: int, out: str, err: str, pyproject: Path, message: str) -> None:
    assert code == 2
    assert out == ""  # nothing half-done on stdout
    assert err.startswith(f"learnability: configuration error: {pyproject}: ")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("table, message", CASES)
def test_bad_values_are_configuration_errors(tmp_path, capsys, table, message):
    script = project(tmp_path, table.encode())
    code, out, err = check(capsys, str(script))
    assert_config_error(code, out, err, tmp_path / "pyproject.toml", message)
    if "probe" in table:  # the probe reads the same table through the same check, with the same words
        _, _, problem = probe_settings(script)
        assert problem is not None and message in problem


def test_good_probe_settings_are_read_as_numbers(tmp_path):
    script = project(tmp_path, textwrap.dedent("""\
        [tool.learnability.probe]
        max_steps = 300
        budget_s = 5
        timeout_s = 90.5
        thresholds = { speedup = 2, fit_accuracy = 0.9 }
        """).encode())
    opts, ths, problem = probe_settings(script)
    assert problem is None
    assert opts == {"max_steps": 300, "budget_s": 5.0, "timeout_s": 90.5}
    assert ths == {"speedup": 2.0, "fit_accuracy": 0.9}


def test_a_byte_order_mark_is_named(tmp_path, capsys):
    script = project(tmp_path, b"\xef\xbb\xbf[tool.learnability]\nignore = [\"LRN101\"]\n")
    code, out, err = check(capsys, str(script))
    assert_config_error(code, out, err, tmp_path / "pyproject.toml", "byte order mark (BOM)")
    code, out, err = check(capsys, "--config", str(tmp_path / "pyproject.toml"), str(script))
    assert_config_error(code, out, err, tmp_path / "pyproject.toml", "byte order mark (BOM)")


def test_a_pyproject_that_is_not_utf8_is_named(tmp_path, capsys):
    script = project(tmp_path, b"[tool.learnability]\nignore = [\"LRN\xff\"]\n")
    code, out, err = check(capsys, str(script))
    assert_config_error(code, out, err, tmp_path / "pyproject.toml", "not UTF-8 text")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this OS")
def test_a_fifo_or_device_as_the_configuration_never_hangs(tmp_path, capsys):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    os.mkfifo(tmp_path / "learnability.toml")
    code, out, err = check(capsys, "--config", str(tmp_path / "learnability.toml"), str(script))
    assert code == 2 and out == "" and "is a named pipe (FIFO), not a regular file" in err
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.toml").symlink_to("/dev/zero")
        code, out, err = check(capsys, "--config", str(tmp_path / "zero.toml"), str(script))
        assert code == 2 and out == "" and "is a character device, not a regular file" in err
