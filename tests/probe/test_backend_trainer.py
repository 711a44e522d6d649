"""The probe's train step on each installed Keras backend is Keras's own: from the same weights, three
`Trainer.run_step`s give the losses and weights of three `train_on_batch` calls, and the measurements
(per-layer gradient norms, update ratios) come out on every backend. From the same initial weights every
backend measures the same numbers; what differs between backends in a probe of a user's script is the
initial weights each draws with its own random generator. Each backend runs in a subprocess (a process
imports one backend, once), as in the probe's worker."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.probe

MEASURE = Path(__file__).resolve().parents[2] / "server" / "learnability" / "probe" / "measure.py"
BACKENDS = [b for b in ("tensorflow", "jax", "torch") if importlib.util.find_spec(b) is not None]

CHECK = r'''
import importlib.util, json, sys
import numpy as np
spec = importlib.util.spec_from_file_location("probe_measure", sys.argv[1])
m = importlib.util.module_from_spec(spec)
sys.modules["probe_measure"] = m
spec.loader.exec_module(m)
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
X = rng.random((16, 8, 8, 3)).astype("float32")
y = rng.integers(0, 2, 16).astype("float32")

def build():
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.Flatten(), keras.layers.Dropout(0.0),
                              keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model

a, b = build(), build()
init = np.load(sys.argv[2])
a.set_weights([init[f"w{i}"] for i in range(len(init.files))])
b.set_weights(a.get_weights())
tr = m.Trainer(a, X, y)
tr.reset(0)
steps = [tr.run_step(X, y) for _ in range(3)]
ref = [float(b.train_on_batch(X, y)) for _ in range(3)]
tr.sync()
diff = max(float(np.max(np.abs(u - v))) for u, v in zip(a.get_weights(), b.get_weights()))
pred = tr.predict(X)
tr.reset(0)
again = tr.run_step(X, y)[0]
tr.set_lr(0.5)
tr.sync()
lr = float(keras.ops.convert_to_numpy(a.optimizer.learning_rate))
print(json.dumps({"backend": tr.backend, "losses": [s[0] for s in steps], "ref": ref, "weight_diff": diff,
                  "groups": [g for g, _ in tr.groups], "grad_norms": [list(s[2]) for s in steps],
                  "update_ratios": [list(s[3]) for s in steps], "pred_shape": list(pred.shape),
                  "pred_ref": float(np.max(np.abs(pred - keras.ops.convert_to_numpy(b(X, training=False))))),
                  "reset_loss": again, "lr": lr}))
'''


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict:
    """Each installed backend's run from one set of initial weights (drawn here with NumPy)."""
    tmp = tmp_path_factory.mktemp("trainer")
    rng = np.random.default_rng(7)
    shapes = [(3, 3, 3, 4), (4,), (144, 8), (8,), (8, 1), (1,)]
    init = tmp / "init.npz"
    np.savez(init, **{f"w{i}": (rng.uniform(-0.4, 0.4, s) if len(s) > 1 else np.zeros(s)).astype("float32")
                      for i, s in enumerate(shapes)})
    out = {}
    for backend in BACKENDS:
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2", KERAS_HOME=str(tmp))
        proc = subprocess.run([sys.executable, "-c", CHECK, str(MEASURE), str(init)], capture_output=True, text=True,
                              env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out[backend] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_trainer_step_is_kerass_own_step(backend, measured):
    r = measured[backend]
    assert r["backend"] == backend
    assert r["losses"] == pytest.approx(r["ref"], rel=1e-5)
    assert r["weight_diff"] < 1e-5  # the same weights after three steps
    assert r["reset_loss"] == pytest.approx(r["losses"][0], rel=1e-5)  # reset: the initial weights again
    assert r["groups"] == ["conv2d", "dense", "dense_1"]
    for norms, ratios in zip(r["grad_norms"], r["update_ratios"]):
        assert len(norms) == len(ratios) == 3 and all(v > 0 for v in norms + ratios)
    assert r["pred_shape"] == [16, 1] and r["pred_ref"] < 1e-5
    assert r["lr"] == pytest.approx(0.5)


def test_every_backend_measures_the_same_from_the_same_weights(measured):
    assert set(measured) >= {"tensorflow", "jax"}  # CI installs both (scripts/setup.sh)
    first = measured["tensorflow"]
    for backend, r in measured.items():
        assert r["losses"] == pytest.approx(first["losses"], rel=1e-4), backend
        for key in ("grad_norms", "update_ratios"):
            for mine, theirs in zip(r[key], first[key]):
                assert mine == pytest.approx(theirs, rel=1e-3), (backend, key)


def test_a_backend_that_cannot_train_is_named(monkeypatch):
    from learnability.probe.runner import run_probe

    monkeypatch.setenv("KERAS_BACKEND", "numpy")  # Keras runs inference only there
    r = run_probe(str(Path(__file__).parent / "scripts" / "healthy_cnn.py"), timeout_s=120)
    assert r["verdict"] == "error"
    assert "'numpy' backend cannot train" in r["summary"] and "KERAS_BACKEND=numpy" in r["summary"]
