#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last line that runs on node 20) from npm, doing
# by hand the steps of its postinstall (which refuses root under npm 11 and downloads ripgrep).
# Cached: prints the install folder; a second run with the marker present does nothing.
# Needs: node 20, npm, ripgrep (/usr/bin/rg), libkrb5-dev and pkg-config (for kerberos), a C++ toolchain.
set -euo pipefail
VERSION=4.100.3
ROOT=${LEARNABILITY_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/learnability/code-server-$VERSION}
MARK="$ROOT/.installed"
if [ -f "$MARK" ] && [ -x "$ROOT/node_modules/.bin/code-server" ]; then
  echo "$ROOT"; exit 0
fi
RG=$(command -v rg || true)
[ -n "$RG" ] || { echo "install-code-server: ripgrep (rg) is missing: apt-get install ripgrep" >&2; exit 1; }
mkdir -p "$ROOT"
cd "$ROOT"
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json
{
  npm install --ignore-scripts --no-save "code-server@$VERSION"
  cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$RG" node_modules/@vscode/ripgrep/bin/rg
  npm rebuild @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty @vscode/deviceid
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sf code-linux.sh code-server)
  (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  (cd extensions && npm install --omit=dev --ignore-scripts)
  cd "$ROOT"
  npm rebuild argon2
} >"$ROOT/install.log" 2>&1 || { echo "install-code-server: failed, see $ROOT/install.log" >&2; tail -30 "$ROOT/install.log" >&2; exit 1; }
touch "$MARK"
echo "$ROOT"
