"""Probe pieces that need no TensorFlow: the parent never imports it; the comparison rules."""

from __future__ import annotations

import subprocess
import sys

from learnability.probe import report


def test_runner_imports_no_tensorflow_or_numpy():
    code = ("import sys, learnability.probe.runner, learnability.probe.report, learnability.probe.cli, "
            "learnability.probe; bad = [m for m in ('tensorflow', 'numpy', 'keras') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_target_hook_is_a_no_op_outside_a_probe():
    import learnability.probe

    assert learnability.probe.target(object(), [1], [0]) is None


def _fit(fitted, steps, loss, nonfinite=False):
    return {"fitted": fitted, "steps_to_fit": steps if fitted else None, "steps": steps, "loss": loss,
            "nonfinite": nonfinite, "final_accuracy": 1.0 if fitted else 0.5}


def test_compare_newly_fits_is_an_improvement():
    ok, ev, before, after, _ = report.compare(_fit(False, 40, [0.69] * 40), _fit(True, 6, [0.7, 0.6, 0.5, 0.4, 0.3, 0.2]))
    assert ok and before["fitted"] is False and after["fitted"] is True
    assert "now fits the batch" in ev


def test_compare_small_speedup_is_not_enough():
    ok, ev, *_ = report.compare(_fit(True, 10, [0.7] * 10), _fit(True, 8, [0.7] * 8))
    assert not ok and "needed to count" in ev


def test_compare_uses_training_and_held_out_accuracy_when_measured():
    held = lambda tr, ho: {"train_accuracy": tr, "held_out_accuracy": ho, "train_samples": 150,
                           "held_out_samples": 50, "steps": 40, "margin": 0.11}
    ok, ev, *_ = report.compare(_fit(True, 10, [0.7] * 10), _fit(True, 12, [0.7] * 12), held(0.78, 0.6), held(0.97, 0.5))
    assert ok and "78% -> 97%" in ev
    ok, ev, *_ = report.compare(_fit(True, 10, [0.7] * 10), _fit(True, 12, [0.7] * 12), held(0.78, 0.6), held(0.80, 0.58))
    assert not ok and "no measurable difference" in ev


def test_error_report_shape():
    r = report.error_report("x.py", "boom", source="a = 1\n")
    assert r["verdict"] == "error" and r["findings"][0]["rule"] == "PRB093"


def test_settings_table(tmp_path):
    from learnability.probe.runner import probe_settings

    (tmp_path / "pyproject.toml").write_text(
        "[tool.learnability.probe]\nmax_steps = 300\ntimeout_s = 90\nthresholds = { speedup = 2.0 }\n")
    opts, ths, err = probe_settings(tmp_path / "train.py")
    assert err is None and opts == {"max_steps": 300, "timeout_s": 90} and ths == {"speedup": 2.0}
    (tmp_path / "pyproject.toml").write_text("[tool.learnability.probe]\nmax_step = 3\n")
    _, _, err = probe_settings(tmp_path / "train.py")
    assert err and "max_step" in err


def test_a_rejected_argument_is_attributed_to_the_library_that_raised_it():
    sklearn = report._hint("TypeError", "OneHotEncoder.__init__() got an unexpected keyword argument 'sparse'",
                           "sklearn")
    assert "sklearn" in sklearn and "Keras" not in sklearn
    keras = report._hint("TypeError", "TensorFlowTrainer.fit() got an unexpected keyword argument 'nb_epoch'", "keras")
    assert "Keras 3 does not accept" in keras
    assert "Keras 3 does not accept" in report._hint("TypeError", "f() got an unexpected keyword argument 'x'")


def test_the_harness_names_the_installed_package_that_raised():
    from learnability.probe import harness

    def raise_from(filename: str):
        code = compile("def f():\n    raise TypeError('boom')\n", filename, "exec")
        scope: dict = {}
        exec(code, scope)
        try:
            scope["f"]()
        except TypeError as exc:
            return harness._raised_in(exc)

    assert raise_from("/venv/lib/python3.11/site-packages/sklearn/preprocessing/_encoders.py") == "sklearn"
    assert raise_from("/home/me/train.py") is None
