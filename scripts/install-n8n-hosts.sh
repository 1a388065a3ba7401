#!/usr/bin/env bash
# Installs the pinned n8n hosts used by the end-to-end tests into a cache outside the checkout.
# Usage: scripts/install-n8n-hosts.sh [version ...]   (default: every pinned version)
# N8N_HOSTS_DIR overrides the cache folder (default ~/.cache/n8n-nodes-cometapi-sora/hosts).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
hosts_dir="${N8N_HOSTS_DIR:-$HOME/.cache/n8n-nodes-cometapi-sora/hosts}"
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  mapfile -t versions < <(node -p 'require(process.argv[1]).join("\n")' "$here/../test/e2e/hosts.json")
fi

install_host() {
  local version="$1" dir="$hosts_dir/$1"
  if [ -x "$dir/node_modules/.bin/n8n" ] && [ -f "$dir/.installed" ]; then
    echo "n8n $version: already installed in $dir"
    return
  fi
  echo "n8n $version: installing into $dir (2-3 minutes, about 2 GB; sqlite3 compiles from source)"
  mkdir -p "$dir"
  # xlsx: n8n-nodes-base pulls it from a CDN this machine cannot reach.
  # isolated-vm: n8n 1.123.x depends on @n8n/expression-runtime, which wants isolated-vm ^6.2.0;
  # 6.x needs Node >= 22 and fails to compile on Node 20, failing the whole install. 1.123.x
  # evaluates expressions with it by default (N8N_EXPRESSION_ENGINE=vm), so it must work: pin
  # the last Node 20 line, 5.0.4 (compiles from source here). 2.8.x does not use isolated-vm.
  cat >"$dir/package.json" <<JSON
{ "private": true, "dependencies": { "n8n": "$version" }, "overrides": { "xlsx": "0.18.5", "isolated-vm": "5.0.4" } }
JSON
  local started=$SECONDS
  # Install scripts must run (sqlite3 and isolated-vm compile from source), whatever a caller's
  # npm config says; the grep/awk pair turns npm's http log into a progress line every 200 packages.
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=http --ignore-scripts=false 2>&1 \
    | grep --line-buffered -E '^npm (http fetch GET 200|error)|added [0-9]+ packages' \
    | awk '/http fetch/ { n++; if (n % 200 == 0) { printf "  ... %d packages fetched\n", n; fflush() } next } { print; fflush() }')
  "$dir/node_modules/.bin/n8n" --version >/dev/null
  touch "$dir/.installed"
  echo "n8n $version: installed in $((SECONDS - started)) s"
}

for v in "${versions[@]}"; do install_host "$v"; done
