#!/usr/bin/env bash
# Every test: Python unit + LSP end-to-end + probe tests, the extension's unit tests, and the
# editor end-to-end tests (Neovim, and VS Code through code-server in headless Chromium).
# It installs what it needs on a fresh machine (Python 3.11, node 20, npm).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

# --- system packages for the editor tests (neovim, chromium, code-server's native modules)
need_apt=()
command -v nvim >/dev/null || need_apt+=(neovim)
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# --- Python
bash scripts/setup.sh >/dev/null

# --- Python tests (unit, LSP end-to-end, probe, neovim). Everything they need is installed above,
# so a skipped test here means a broken setup: fail rather than pass with less tested.
mkdir -p test-artifacts
set -o pipefail

# --- lint gate: pyflakes (unused/undefined names), syntax errors, import order ([tool.ruff] in pyproject.toml)
.venv/bin/ruff check .

# --- type gate: mypy --strict on server/learnability ([tool.mypy] in pyproject.toml: the untyped third-party
# modules it may not follow are named there, and each `# type: ignore[code]` in the code says why)
.venv/bin/python -m mypy

# --- the real-world corpus gate (tests/test_corpus.py) needs the corpus files: third-party code fetched at
# pinned commits (tests/corpus/SOURCES.toml), never committed. Where neither GitHub nor a local mirror
# (LEARNABILITY_CORPUS_MIRROR: a folder of git clones) can be reached, the gate cannot run: say so loudly.
corpus_args=()
if ! .venv/bin/python scripts/fetch_corpus.py --timeout 15 \
     ${LEARNABILITY_CORPUS_MIRROR:+--mirror "$LEARNABILITY_CORPUS_MIRROR"} >test-artifacts/corpus-fetch.log 2>&1; then
  echo "NOTE: the real-world corpus could not be fetched here (see test-artifacts/corpus-fetch.log):" \
       "tests/test_corpus.py is not run; run scripts/fetch_corpus.py, then pytest tests/test_corpus.py" >&2
  corpus_args=(--ignore=tests/test_corpus.py)
fi
.venv/bin/python -m pytest -q -rs -p no:cacheprovider "${corpus_args[@]}" 2>&1 | tee test-artifacts/pytest.log
if grep -q "^SKIPPED" test-artifacts/pytest.log; then
  echo "tests were skipped on a machine that should run them all (see above)" >&2
  exit 1
fi

# --- the probe on Keras's JAX backend (jax[cpu], installed by setup.sh): the same end-to-end probe tests
# (the article's six programs, the healthy CNN, crash, hang, cancel...) with KERAS_BACKEND=jax. PyTorch's
# run is scripts/test-backends.sh (its CPU install is too big for CI: see README, "The probe on JAX and PyTorch").
KERAS_BACKEND=jax .venv/bin/python -m pytest -q -rs -p no:cacheprovider tests/probe/test_probe.py 2>&1 \
  | tee test-artifacts/pytest-jax.log
if grep -q "^SKIPPED" test-artifacts/pytest-jax.log; then
  echo "probe tests were skipped under KERAS_BACKEND=jax (see above)" >&2
  exit 1
fi

# --- extension: unit tests, bundle, .vsix, and VS Code end-to-end tests
if [ -f extension/package.json ] || grep -q '"contributes"' package.json; then
  bash scripts/test-extension.sh
fi
