"""Which Keras backend the probe runs a script on: read as Keras would pick it for that script (keras.json,
KERAS_BACKEND, the script's own os.environ lines before it imports Keras), without running the script
and without importing any backend."""

from __future__ import annotations

import json
import subprocess
import sys

from learnability.probe.backend import detect, worker_env
from learnability.probe.runner import pool_key


def _home(tmp_path, backend=None):
    if backend is not None:
        (tmp_path / "keras.json").write_text(json.dumps({"backend": backend, "floatx": "float32"}))
    return {"KERAS_HOME": str(tmp_path)}


def test_default_is_tensorflow(tmp_path):
    b = detect("import keras\n", _home(tmp_path))
    assert (b["name"], b["source"], b["line"], b["legacy"]) == ("tensorflow", "Keras's default", None, False)


def test_keras_json_under_keras_home(tmp_path):
    b = detect("import keras\n", _home(tmp_path, "jax"))
    assert b["name"] == "jax" and b["source"] == str(tmp_path / "keras.json")


def test_environment_overrides_keras_json(tmp_path):
    env = {**_home(tmp_path, "jax"), "KERAS_BACKEND": "torch"}
    b = detect("import keras\n", env)
    assert b["name"] == "torch" and b["source"] == "KERAS_BACKEND in the environment"


def test_the_scripts_own_line_overrides_the_environment(tmp_path):
    src = 'import os\n\nos.environ["KERAS_BACKEND"] = "jax"\nimport keras\n'
    b = detect(src, {**_home(tmp_path), "KERAS_BACKEND": "torch"})
    assert b["name"] == "jax" and b["line"] == 3 and b["source"] == "the script (line 3)"


def test_setdefault_applies_only_without_the_variable(tmp_path):
    src = 'import os\nos.environ.setdefault("KERAS_BACKEND", "torch")\nfrom keras import layers\n'
    assert detect(src, _home(tmp_path))["name"] == "torch"
    assert detect(src, {**_home(tmp_path), "KERAS_BACKEND": "jax"})["name"] == "jax"
    assert detect(src, {**_home(tmp_path, "jax")})["name"] == "torch"  # keras.json is not the environment


def test_other_spellings(tmp_path):
    src = 'from os import environ\nenviron["KERAS_BACKEND"] = "PyTorch"\nimport keras\n'
    assert detect(src, _home(tmp_path))["name"] == "torch"
    src = 'import os\nos.environ.update({"KERAS_BACKEND": "jax"})\nimport keras\n'
    assert detect(src, _home(tmp_path))["name"] == "jax"


def test_a_line_after_keras_is_imported_changes_nothing(tmp_path):
    src = 'import os\nimport keras\nos.environ["KERAS_BACKEND"] = "jax"\n'
    assert detect(src, _home(tmp_path))["name"] == "tensorflow"
    src = 'import os\nfrom tensorflow import keras\nos.environ["KERAS_BACKEND"] = "jax"\n'
    assert detect(src, _home(tmp_path))["name"] == "tensorflow"


def test_keras_2_through_tf_keras_runs_on_tensorflow(tmp_path):
    b = detect("import tf_keras as keras\n", {**_home(tmp_path), "KERAS_BACKEND": "jax"})
    assert b["name"] == "tensorflow" and b["legacy"] is True
    src = 'import os\nos.environ["TF_USE_LEGACY_KERAS"] = "1"\nfrom tensorflow import keras\n'
    b = detect(src, _home(tmp_path))
    assert b["legacy"] is True and worker_env(b) == {"KERAS_BACKEND": "tensorflow", "TF_USE_LEGACY_KERAS": "1"}
    assert detect("import keras\n", {**_home(tmp_path), "TF_USE_LEGACY_KERAS": "1"})["legacy"] is True


def test_unparsable_source_falls_back_to_the_environment(tmp_path):
    assert detect("def (:\n", {**_home(tmp_path), "KERAS_BACKEND": "jax"})["name"] == "jax"


def test_one_warm_worker_per_interpreter_and_backend(tmp_path):
    keys = {pool_key("/py", detect("", {**_home(tmp_path), "KERAS_BACKEND": b})) for b in ("tensorflow", "jax", "torch")}
    keys.add(pool_key("/py", detect("import tf_keras\n", _home(tmp_path))))
    assert len(keys) == 4


def test_detection_imports_no_backend():
    code = ("import sys, learnability.probe.backend as b; b.detect('import os\\nos.environ[\"KERAS_BACKEND\"]=\"jax\"'); "
            "bad = [m for m in ('tensorflow', 'jax', 'torch', 'keras', 'numpy') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
