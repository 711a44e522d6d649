"""Keras 2 code through tf_keras (`TF_USE_LEGACY_KERAS=1` at the top of the script): the probe reads the
setting from the script, runs it in a TensorFlow worker with tf_keras, intercepts tf_keras's own
`Model.fit` and trains the captured Keras 2 model (its optimizer, its `compute_loss`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnability.probe.runner import run_probe

pytestmark = pytest.mark.probe
pytest.importorskip("tf_keras", reason="scripts/setup.sh installs tf_keras matching TensorFlow")

SCRIPTS = Path(__file__).parent / "scripts"


def test_keras2_through_tf_keras_is_probed_and_its_fix_confirmed():
    r = run_probe(str(SCRIPTS / "tf_keras_legacy.py"), budget_s=60)
    be = r["metrics"]["backend"]
    assert be["name"] == "tensorflow" and be["legacy_keras"] is True, be
    assert r["verdict"] == "does_not_learn", r["summary"]
    lr = next(f for f in r["findings"] if f["rule"] == "LRN301")
    assert lr["confirmed"] is True, lr["evidence"]
    assert lr["before"]["fitted"] is False and lr["after"]["fitted"] is True
    assert [layer["kind"] for layer in r["layers"]][:2] == ["Conv2D", "MaxPooling2D"]
    assert any(layer["grad_norm"] for layer in r["layers"])  # the per-layer measurements came out
