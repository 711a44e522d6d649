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
echo "== learnability check tests/fixtures/article*.py =="
.venv/bin/learnability check tests/fixtures/article*.py || true
