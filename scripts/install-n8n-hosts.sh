#!/usr/bin/env bash
# Installs the n8n hosts the end-to-end tests run on (tools/n8n-harness/hosts.json) into a cache
# outside the checkout, each with the Node it needs, from the npm registry only.
# Usage: scripts/install-n8n-hosts.sh [version ...]   (default: every host in hosts.json)
# N8N_HOSTS_DIR overrides the cache folder (default ~/.cache/n8n-nodes-cometapi-sora/hosts).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
hosts_json="$here/../tools/n8n-harness/hosts.json"
hosts_dir="${N8N_HOSTS_DIR:-$HOME/.cache/n8n-nodes-cometapi-sora/hosts}"

# "<n8n version> <node major, or - for the system Node>" for each host asked for
host_lines() {
  node -e '
    const hosts = require(process.argv[1]);
    const asked = process.argv.slice(2);
    for (const v of asked) if (!hosts.some((h) => h.n8n === v)) throw new Error(`n8n ${v} is not in ${process.argv[1]}`);
    for (const h of hosts) if (!asked.length || asked.includes(h.n8n)) console.log(`${h.n8n} ${h.node || "-"}`);
  ' "$hosts_json" "$@"
}

# npm's http log turned into a progress line every 200 packages
npm_progress() {
  grep --line-buffered -E '^npm (http fetch GET 200|error)|added [0-9]+ packages' \
    | awk '/http fetch/ { n++; if (n % 200 == 0) { printf "  ... %d packages fetched\n", n; fflush() } next } { print; fflush() }'
}

# Node <major> from the registry's `node` package: its preinstall script fetches the binary as the
# registry package node-<os>-<arch>, so nothing comes from outside the registry.
install_node() {
  local major="$1" dir="$hosts_dir/node-$1"
  local bin="$dir/node_modules/node/bin/node"
  if [ -x "$bin" ] && [ -f "$dir/.installed" ]; then return; fi
  echo "node $major: installing node@$major from the registry into $dir"
  rm -f "$dir/.installed"
  mkdir -p "$dir"
  echo "{ \"private\": true, \"dependencies\": { \"node\": \"^$major\" } }" >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts=false --loglevel=error)
  "$bin" --version | grep -q "^v$major\." || { echo "node $major: $bin is $("$bin" --version)" >&2; exit 1; }
  touch "$dir/.installed"
}

install_host() {
  local version="$1" node_major="$2" dir="$hosts_dir/$1"
  # n8n, npm rebuild and node-gyp all run on the host's Node
  [ "$node_major" = "-" ] || export PATH="$hosts_dir/node-$node_major/node_modules/node/bin:$PATH"
  if [ -f "$dir/.installed" ] && [ "$("$dir/node_modules/.bin/n8n" --version 2>/dev/null)" = "$version" ]; then
    echo "n8n $version: already installed in $dir (node $(node --version))"
    return
  fi
  echo "n8n $version: installing into $dir on node $(node --version) (3-6 minutes, about 2 GB)"
  rm -f "$dir/.installed"
  mkdir -p "$dir"
  # xlsx: n8n-nodes-base pulls it from a CDN this machine cannot reach.
  # isolated-vm on Node < 22: n8n 1.123.x depends on @n8n/expression-runtime, which wants
  # isolated-vm ^6.2.0; 6.x needs Node >= 22 and does not compile on Node 20. 1.123.x evaluates
  # expressions with it by default (N8N_EXPRESSION_ENGINE=vm), so it must work: pin the last
  # Node 20 line, 5.0.4 (compiles from source here).
  local overrides='"xlsx": "0.18.5"'
  if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
    overrides="$overrides, \"isolated-vm\": \"5.0.4\""
  fi
  cat >"$dir/package.json" <<JSON
{ "private": true, "dependencies": { "n8n": "$version" }, "overrides": { $overrides } }
JSON
  local started=$SECONDS
  # --ignore-scripts: since 2.x n8n-nodes-base pulls @confluentinc/kafka-javascript, whose install
  # script downloads binaries from outside the registry. Only two native modules are needed:
  # sqlite3 (the database) and isolated-vm (expressions); both are rebuilt here from source.
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=http --ignore-scripts 2>&1 | npm_progress)
  echo "n8n $version: building sqlite3 and isolated-vm for node $(node --version)"
  (cd "$dir" && npm rebuild --ignore-scripts=false --loglevel=error sqlite3 isolated-vm)
  local got
  got="$("$dir/node_modules/.bin/n8n" --version)"
  [ "$got" = "$version" ] || { echo "n8n $version: the installed CLI says $got" >&2; exit 1; }
  touch "$dir/.installed"
  echo "n8n $version: installed in $((SECONDS - started)) s"
}

listed="$(host_lines "$@")"
mapfile -t hosts <<<"$listed"

# One install at a time: CI starts one in the background at once, and `npm test` asks again once
# its first tests are done; the second waits here and then finds the hosts in place.
mkdir -p "$hosts_dir"
lock="$hosts_dir/.install-lock"
until mkdir "$lock" 2>/dev/null; do
  # a lock left by an install that died is taken over
  holder="$(cat "$lock/pid" 2>/dev/null || true)"
  if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then rm -rf "$lock"; continue; fi
  sleep 2
done
echo $$ >"$lock/pid"
trap 'rm -rf "$lock"' EXIT
# the Node versions first (two hosts may share one), then the hosts side by side: most of an
# install is waiting for the registry, and two take little longer than one
for host in "${hosts[@]}"; do
  node_major="${host#* }"
  [ "$node_major" = "-" ] || install_node "$node_major"
done
pids=()
for host in "${hosts[@]}"; do
  ( (install_host ${host}) 2>&1 | sed -u "s/^/[n8n ${host% *}] /" ) &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
