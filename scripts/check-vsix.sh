#!/usr/bin/env bash
# Checks the built .vsix packages (tests/check_vsix_packages.py): each holds libcst for its platform and
# its CPython versions and nothing for another platform. LEARNABILITY_VSIX_TARGETS=a,b checks only those.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
exec "$PY" -m pytest -q -p no:cacheprovider tests/check_vsix_packages.py "$@"
