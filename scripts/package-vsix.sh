#!/usr/bin/env bash
# Builds the .vsix packages (scripts/package_vsix.py; arguments are passed on) with the project's Python:
# $PYTHON, else .venv/bin/python, else python3. `npm run package` runs it after the typecheck and the README.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
exec "$PY" scripts/package_vsix.py "$@"
