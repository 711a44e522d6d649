#!/usr/bin/env bash
# Fills bundled/libs with the language server's Python side for one platform (default: this machine's),
# as the .vsix carries it: bundled/libs/common (pure Python + learnability) and bundled/libs/cp3XX (libcst
# built for each CPython). The work is scripts/package_vsix.py's (--bundle-only); see its docstring.
set -euo pipefail
exec bash "$(dirname "$0")/package-vsix.sh" --bundle-only "$@"
