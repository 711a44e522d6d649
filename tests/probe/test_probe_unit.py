"""Probe pieces that need no TensorFlow: the parent never imports it; the comparison rules."""

from __future__ import annotations

import subprocess
import sys

from learnability.probe import report


def test_runner_imports_no_tensorflow_or_numpy():
    code = ("import sys, learnability.probe.runner, learnability.probe.report, learnability.probe.cli, "
            "learnability.probe.backend, learnability.probe; "
            "bad = [m for m in ('tensorflow', 'numpy', 'keras', 'jax', 'torch') if m in sys.modules]; "
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


def test_thresholds_used_say_where_each_value_came_from(tmp_path):
    from learnability.config import DEFAULT_THRESHOLDS, load_config
    from learnability.lsp.settings import ConfigResolver, Settings
    from learnability.probe.runner import thresholds_used

    (tmp_path / "pyproject.toml").write_text(
        "[tool.learnability.thresholds]\nlr_max_adaptive = 0.05\ninput_max_abs = 300\n")
    pyproject = load_config(tmp_path)
    used = thresholds_used(pyproject)
    assert list(used) == list(DEFAULT_THRESHOLDS)
    assert used["lr_max_adaptive"] == {"value": 0.05, "from": "pyproject.toml"}
    assert used["dropout_max"] == {"value": DEFAULT_THRESHOLDS["dropout_max"], "from": "default"}
    # the editor's settings over pyproject.toml, resolved as the linter resolves them
    settings = Settings.from_dict({"thresholds": {"lr_max_adaptive": 0.6}})
    config, problem = ConfigResolver().config_for(str(tmp_path / "train.py"), settings)
    assert problem is None
    used = thresholds_used(config, set(settings.thresholds))
    assert used["lr_max_adaptive"] == {"value": 0.6, "from": "editor settings"}
    assert used["input_max_abs"] == {"value": 300.0, "from": "pyproject.toml"}
    assert all(v == {"value": float(DEFAULT_THRESHOLDS[k]), "from": "default"} for k, v in thresholds_used(None).items())


# ----------------------------------------------------------------------------- verdict (a pure function)


def _facts(**kw):
    base = dict(kind="binary", fitted=False, nonfinite=False, negative_loss=False, identical=False,
                single_class=False, collapsed=None, dead=[], train_accuracy=None, train_samples=None, chance=None,
                falls=False, steady=False, time_short=False, faster_with_fix=False)
    base.update(kw)
    return report.Facts(**base)


def test_wilson_interval_uses_the_sample_size():
    # 55% against 52% chance: noise on 40 samples, and on 256; 62% on 1000 samples is not
    assert not report.above_chance(0.55, 0.52, 40, "binary", report.THRESHOLDS)
    assert not report.above_chance(0.55, 0.52, 256, "binary", report.THRESHOLDS)
    assert report.above_chance(0.62, 0.52, 1000, "binary", report.THRESHOLDS)
    assert report.wilson_low(0.5, 100) < 0.5 < report.wilson_low(0.7, 100) + 0.2
    assert report.above_chance(None, 0.5, 100, "binary", report.THRESHOLDS) is None


def test_verdict_at_chance_does_not_learn_even_when_the_loss_falls():
    v, why = report.decide_verdict(_facts(train_accuracy=0.55, train_samples=256, chance=0.52, falls=True))
    assert v == "does_not_learn" and "within noise of chance" in why


def test_verdict_learns_slowly_needs_progress_a_longer_run_would_finish():
    v, _ = report.decide_verdict(_facts(train_accuracy=0.75, train_samples=256, chance=0.5, falls=True, steady=True))
    assert v == "learns_slowly"
    v, _ = report.decide_verdict(_facts(train_accuracy=0.5, train_samples=256, chance=0.5, falls=True, steady=True))
    assert v == "does_not_learn"


def test_verdict_collapse_negative_loss_nan_single_class_dead_units():
    fitted = dict(fitted=True, train_accuracy=1.0, train_samples=256, chance=1.0)
    assert report.decide_verdict(_facts(collapsed="one class", **fitted))[0] == "does_not_learn"
    assert report.decide_verdict(_facts(single_class=True, **fitted))[0] == "does_not_learn"
    assert report.decide_verdict(_facts(negative_loss=True, fitted=True))[0] == "does_not_learn"
    assert report.decide_verdict(_facts(nonfinite=True))[0] == "does_not_learn"
    assert report.decide_verdict(_facts(dead=["dense"], falls=True))[0] == "does_not_learn"
    assert report.decide_verdict(_facts(error="InvalidArgumentError: label 5"))[0] == "does_not_learn"


def test_verdict_learns_when_it_fits_and_the_slice_is_above_chance():
    v, _ = report.decide_verdict(_facts(fitted=True, train_accuracy=0.9, train_samples=256, chance=0.5))
    assert v == "learns"
    v, _ = report.decide_verdict(_facts(kind="regression", fitted=False, train_accuracy=0.01, chance=0.0, falls=True))
    assert v == "does_not_learn"


def test_collapse_detection():
    assert report.collapsed({"classes_predicted": 1, "samples": 64}) == "one class"
    assert report.collapsed({"classes_predicted": 2, "samples": 64}) is None
    assert report.collapsed({"pred_std": 1e-7, "target_std": 3.0}) == "a constant"
    assert report.steady_fall([1.0 - 0.02 * i for i in range(30)], report.THRESHOLDS)
    assert not report.steady_fall([0.7] * 30, report.THRESHOLDS)


# ----------------------------------------------------------------------------- causes measured in the data


def _info(kind, labels, layers=None, **task):
    return {"task": {"kind": kind, "units": task.get("units", 1), "loss_name": task.get("loss", "")},
            "labels": labels, "layers": layers or [{"name": "out", "activation": task.get("act"), "output": True}]}


def test_plan_causes():
    from learnability.probe import plan

    three = _info("binary", {"min": 0, "max": 2, "distinct": 3, "encoding": "integer", "classes_seen": 2})
    assert plan.causes(three) == [("PRB011", ["relabel", "binary_to_softmax"], plan.causes(three)[0][2])]
    pm1 = _info("binary", {"min": -1, "max": 1, "distinct": 2, "encoding": "integer", "classes_seen": 2})
    assert plan.causes(pm1)[0][:2] == ("PRB011", ["relabel"])
    div = _info("sparse", {"min": 0, "max": 0.035, "distinct": 10, "encoding": "continuous", "classes_seen": 1,
                           "integer_scale": 255.0}, units=10)
    assert ("PRB014", ["labels_x255"]) in [c[:2] for c in plan.causes(div)]
    multi = _info("categorical", {"min": 0, "max": 1, "encoding": "multi-hot", "classes_seen": 6}, units=6, act="softmax")
    assert plan.causes(multi)[0][:2] == ("PRB015", ["multi_hot_sigmoid"])
    sig = _info("regression", {"min": 3, "max": 103, "mean": 53, "std": 20}, act="sigmoid")
    assert plan.causes(sig)[0][:2] == ("PRB016", ["linear_out", "std_y"])
    relu = _info("regression", {"min": -12, "max": -8, "mean": -10, "std": 1}, act="relu")
    assert plan.causes(relu)[0][:2] == ("PRB016", ["linear_out"])
    huge = _info("regression", {"min": 1e7, "max": 9e7, "mean": 5e7, "std": 2e7}, act="linear")
    assert plan.causes(huge)[0][:2] == ("PRB016", ["std_y"])
    fine = _info("regression", {"min": -3, "max": 3, "mean": 0, "std": 1}, act="linear")
    assert plan.causes(fine) == []


def test_repair_catalog_is_ordered_and_filtered():
    from learnability.probe import plan

    info = {"task": {"kind": "binary"}, "labels": {}, "inputs": {"mean": 0.0, "std": 1.0, "dtype": "float32"},
            "layers": [{"activation": "relu"}, {"activation": "sigmoid", "output": True}],
            "learning_rate": 0.01, "optimizer": "SGD"}
    assert [k for k, _, _ in plan.generic(info, set())] == ["lr_x10", "lr_div10", "adam", "bn_first"]
    info["inputs"] = {"mean": 100.0, "std": 20.0, "dtype": "float32"}
    info["optimizer"] = "Adam"
    info["layers"][0]["activation"] = "tanh"
    assert [k for k, _, _ in plan.generic(info, {"lr_x10"})] == ["lr_div10", "std_x", "relu_he", "bn_first"]


# ----------------------------------------------------------------------------- several fixes: leave-one-out


def test_counterfactuals_leave_one_out_for_three_fixes():
    from learnability.engine import Analyzer
    from learnability.probe.runner import _counterfactuals

    src = ("import keras\nfrom keras.layers import Dense\n"
           "model = keras.Sequential([keras.Input((4,)), Dense(8, activation='sigmoid'), Dense(8, activation='sigmoid'),"
           " Dense(8, activation='sigmoid'), Dense(1, activation='softmax')])\n"
           "model.compile(optimizer=keras.optimizers.Adam(learning_rate=3.0), loss='binary_crossentropy')\n"
           "model.fit(x, y, epochs=1)\n")
    findings = Analyzer().analyze(src, "t.py", None).findings
    cfs = _counterfactuals(src, findings, 6)
    keys = [c["key"] for c in cfs]
    singles = [k for k in keys if k != "ALL" and not k.startswith("ALL-")]
    assert len(singles) >= 3, keys
    assert "ALL" in keys
    for k in singles:  # each "all but one" leaves exactly that fix out
        minus = next(c for c in cfs if c["key"] == f"ALL-{k}")
        assert minus["without"] == k and k not in minus["rules"]


def test_probe_checks_registry_is_complete():
    from learnability.probe.checks import all_checks

    ids = [c.id for c in all_checks()]
    assert ids == sorted(set(ids)) and len(ids) == len(report.PROBE_RULES)
    from pathlib import Path

    here = Path(__file__).parent
    for c in all_checks():
        assert c.summary and c.rationale and c.category and c.severity in ("error", "warning", "info")
        for case in c.cases:
            assert (here / case).is_file(), (c.id, case)


def test_literal_fix_finds_the_rate_on_its_line_or_in_its_variable():
    src = "rate = 1e-5\nopt = SGD(learning_rate=rate)\nmodel.compile(optimizer=Adam(0.1), loss='mse')\n"
    fix = report.literal_fix(src, 0.1, "0.001", 3, "use 0.001")
    assert fix["edits"] == [{"line": 3, "column": 30, "end_line": 3, "end_column": 33, "new_text": "0.001"}]
    fix = report.literal_fix(src, 1e-5, "0.01", 2, "use 0.01")  # not on line 2: the only 1e-5 in the file
    assert fix["edits"][0]["line"] == 1 and src.splitlines()[0][7:11] == "1e-5"
    assert report.literal_fix("a = 3\nb = 3\n", 3, "4", 9, "t") is None  # ambiguous: no edit


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


def test_progress_text_reads_as_words():
    from learnability.probe.runner import progress_text

    assert progress_text("as_written", "fit one batch") == "as written: fit one batch"
    assert progress_text("ALL", "") == "with all fixes"
    assert progress_text("ALL", "fit one batch") == "with all fixes: fit one batch"
    assert progress_text("ALL-LRN301", "") == "with every fix but LRN301's"
    assert progress_text("R:lr_x10", "") == "with the repair: learning rate x10"
    assert progress_text("R:adam", "fit one batch") == "with the repair: Adam(1e-3) instead of the optimizer: fit one batch"
    assert progress_text("LRN101", "") == "with the fix for LRN101 (saturating hidden activation)"
    assert progress_text("PRB009", "with standardised inputs") == \
        "probe check PRB009 (unscaled inputs measured): with standardised inputs"
    assert progress_text("LRN999", "x") == "with the fix for LRN999: x"  # an unknown id stays as it is
    # the step's name is never repeated after itself
    assert progress_text("ALL", "with all fixes") == "with all fixes"
