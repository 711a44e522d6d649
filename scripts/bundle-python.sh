#!/usr/bin/env bash
# Bundles the language server's Python side into bundled/libs for the .vsix:
#   bundled/libs/common   pure-Python dependencies (extension/python-requirements.txt) + the learnability package
#   bundled/libs/cp3XX    libcst and PyYAML built for CPython 3.X on linux x86_64 (3.10 to 3.13)
# bundled/tool/server.py puts the right ones on sys.path at start. Uses pip's cross-version download
# (--python-version/--platform), so one Python here builds all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi
case "$PY" in /*) ;; */*) PY="$PWD/$PY" ;; esac
OUT=bundled/libs
VERSIONS=${LEARNABILITY_BUNDLE_PYTHONS:-"3.10 3.11 3.12 3.13"}
PLATFORMS=(--platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64)
OUT_ABS="$PWD/$OUT"
# pip warns about every empty local mirror folder; keep its real errors.
quiet() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
PIP=(quiet "$PY" -m pip install -q --disable-pip-version-check --no-compile --only-binary=:all: --implementation cp)

# The third-party part is rebuilt only when its inputs change; the learnability package is always recopied.
STAMP="$OUT/.stamp"
want=$(cat extension/python-requirements.txt extension/python-native-requirements.txt "$0" | sha256sum | cut -c1-16)-$VERSIONS
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  rm -rf "$OUT/common/learnability"
else
rm -rf "$OUT"
mkdir -p "$OUT"
# Pure Python, resolved for the oldest supported version (markers such as python_version < "3.11" apply).
"${PIP[@]}" --target "$OUT/common" --python-version 3.10 "${PLATFORMS[@]}" --no-deps -r extension/python-requirements.txt
for v in $VERSIONS; do
  tag="cp${v/./}"
  "${PIP[@]}" --target "$OUT/$tag" --python-version "$v" --abi "$tag" "${PLATFORMS[@]}" --no-deps \
    -r extension/python-native-requirements.txt
done
echo "$want" > "$STAMP"
fi
# The learnability package itself (without caches).
mkdir -p "$OUT/common/learnability"
(cd server && find learnability -name '__pycache__' -prune -o -type f ! -name '*.pyc' -print) |
  while read -r f; do mkdir -p "$OUT/common/$(dirname "$f")"; cp "server/$f" "$OUT/common/$f"; done
# What pip leaves that the server never needs.
rm -rf "$OUT"/*/bin
find "$OUT" -name '__pycache__' -type d -prune -exec rm -rf {} +
find "$OUT" -path '*/libcst/tests' -type d -prune -exec rm -rf {} +
find "$OUT" -path '*/libcst/*/tests' -type d -prune -exec rm -rf {} +
# Check: each version folder holds libcst's compiled parser for that CPython.
for v in $VERSIONS; do
  tag="cp${v/./}"
  ls "$OUT/$tag"/libcst/native.cpython-${v/./}-x86_64-linux-gnu.so >/dev/null ||
    { echo "bundle-python: no libcst native module for CPython $v in $OUT/$tag" >&2; exit 1; }
done
# Check: every bundled build imports and parses with this interpreter's version when it is one of them.
here=$("$PY" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
if [ -d "$OUT/$here" ]; then
  (cd /tmp && "$PY" -I -B -c "
import sys; sys.path[0:0] = ['$OUT_ABS/$here', '$OUT_ABS/common']
import libcst, pygls, lsprotocol, rich, learnability.cli
assert libcst.__file__.startswith('$OUT_ABS/$here/'), libcst.__file__
assert pygls.__file__.startswith('$OUT_ABS/common/'), pygls.__file__
libcst.parse_module('x = 1\n')
import pygls.lsp.server
# Every bundled distribution's requirements (for this Python, no extras) are bundled too.
from importlib.metadata import distributions
from packaging.requirements import Requirement
have = {}
for d in distributions(path=['$OUT_ABS/$here', '$OUT_ABS/common']):
    have[d.metadata['Name'].lower().replace('_', '-')] = d
missing = []
for name, d in have.items():
    for r in d.requires or []:
        req = Requirement(r)
        if req.marker and not req.marker.evaluate({'extra': ''}):
            continue
        if req.name.lower().replace('_', '-') not in have:
            missing.append(f'{name} needs {req}')
assert not missing, missing
from importlib.metadata import version
print('bundle ok: $here imports libcst', version('libcst'), 'and pygls', version('pygls'), 'from the bundle')
")
fi
du -sh "$OUT"/* | sed 's/^/  /'
