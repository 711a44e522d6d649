#!/usr/bin/env bash
# One command for a newcomer: make .venv, install Learnability with its probe (TensorFlow, and JAX on CPU)
# and test extras,
# then run the main job (`learnability check`) on the motivating article's examples (tests/fixtures/article*.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev,probe,probe-jax]"
# Keras 2 through tf_keras (TF_USE_LEGACY_KERAS=1), for the probe's test of it: the release matching the
# installed TensorFlow, without its dependency on the `tensorflow` distribution (tensorflow-cpu is the same module)
tf_version=$(.venv/bin/python -c "import importlib.metadata as m; print(m.version('tensorflow-cpu'))" 2>/dev/null || true)
if [ -n "$tf_version" ]; then
  .venv/bin/python -m pip install -q --no-deps "tf_keras~=${tf_version%.*}.0"
fi
echo "== learnability check tests/fixtures/article*.py =="
.venv/bin/learnability check tests/fixtures/article*.py || true
