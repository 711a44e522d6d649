#!/usr/bin/env bash
# The probe's end-to-end tests on each Keras backend this machine can install: TensorFlow and JAX (as in
# scripts/test.sh) and PyTorch, which CI leaves out (its CPU install from PyPI is several GB of CUDA
# libraries, and its probe tests take longest: see README, "The probe on JAX and PyTorch").
#   bash scripts/test-backends.sh              # torch only (TensorFlow and JAX run in scripts/test.sh)
#   BACKENDS="tensorflow jax torch" bash scripts/test-backends.sh
#   TORCH_SPEC="torch==2.13.0+cpu" bash scripts/test-backends.sh   # a CPU build your pip can find
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
[ -x .venv/bin/python ] || bash scripts/setup.sh >/dev/null
BACKENDS=${BACKENDS:-torch}
mkdir -p test-artifacts
if [[ " $BACKENDS " == *" torch "* ]] && ! .venv/bin/python -c "import torch" 2>/dev/null; then
  # PyTorch's CPU-only wheels live on its own index; where that cannot be reached, plain PyPI (with CUDA)
  .venv/bin/python -m pip install -q ${TORCH_SPEC:-torch} --index-url https://download.pytorch.org/whl/cpu \
    || .venv/bin/python -m pip install -q "${TORCH_SPEC:-torch}"
fi
status=0
for b in $BACKENDS; do
  echo "== probe tests, KERAS_BACKEND=$b =="
  KERAS_BACKEND=$b .venv/bin/python -m pytest -q -rs -p no:cacheprovider tests/probe/test_probe.py \
    tests/probe/test_backend_trainer.py 2>&1 | tee "test-artifacts/pytest-$b.log" || status=1
done
exit $status
