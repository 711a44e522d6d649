#!/usr/bin/env bash
# The VS Code extension: npm ci, unit tests, .vsix packages (esbuild + the server's Python libs; checked by
# tests/check_vsix_packages.py), and the end-to-end tests in a real VS Code (code-server in headless
# Chromium) with the linux-x64 package. No stdin needed.
# Needs: node 20 + npm, Python (.venv from scripts/setup.sh, with tensorflow-cpu for the probe test),
# chromium, ripgrep, libkrb5-dev, pkg-config, a C/C++ toolchain (scripts/test.sh installs the apt ones).
# E2E_SKIP=1 skips the editor tests; E2E_SKIP_PROBE=1 skips only the probe part.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false npm_config_yes=true

echo "== extension: npm ci"
npm ci --no-audit --no-fund </dev/null >/dev/null

echo "== extension: types (tsc, strict: extension/tsconfig.json) and lint (eslint.config.mjs: typescript-eslint, type-checked)"
npm run -s typecheck </dev/null
npm run -s lint </dev/null

echo "== extension: unit tests"
npm run -s test:unit </dev/null

# The linux-x64 package (the end-to-end tests install it) and the platform-neutral one; every platform's
# with VSIX_ALL=1 (`npm run package`: about 8 minutes on the 2-core machine, most of it pip and vsce).
targets="linux-x64 universal"
[ "${VSIX_ALL:-0}" = 1 ] && targets=""
echo "== extension: packages (.vsix): ${targets:-every platform}"
mkdir -p test-artifacts
if ! npm run -s package -- $targets </dev/null >test-artifacts/package.log 2>&1; then
  tail -40 test-artifacts/package.log >&2; echo "the .vsix build failed" >&2; exit 1
fi
grep -E "^build/vsix/|packages built" test-artifacts/package.log || true
echo "== extension: what each package holds"
LEARNABILITY_VSIX_TARGETS=$(echo "${targets:-}" | tr ' ' ',') bash scripts/check-vsix.sh </dev/null
VSIX=build/vsix/learnability-linux-x64.vsix

if [ "${E2E_SKIP:-0}" = 1 ]; then
  echo "== extension: end-to-end tests skipped (E2E_SKIP=1)"
  exit 0
fi
echo "== extension: code-server"
CODE_SERVER_DIR=$(bash tests/editor/vscode/install-code-server.sh </dev/null | tail -1)
export CODE_SERVER_DIR
echo "== extension: end-to-end tests in code-server + Chromium"
LEARNABILITY_PYTHON="$PWD/.venv/bin/python" node tests/editor/vscode/e2e.mjs --vsix "$VSIX" </dev/null
