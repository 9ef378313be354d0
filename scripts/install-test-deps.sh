#!/usr/bin/env bash
# Installs what the browser tests (and, with --bench, the benchmark) need. Idempotent.
#   scripts/install-test-deps.sh          Debian chromium + npm packages (node_modules)
#   scripts/install-test-deps.sh --bench  also wrk and nginx
set -euo pipefail
cd "$(dirname "$0")/.."

bench=0
for arg in "$@"; do
  case "$arg" in
    --bench) bench=1 ;;
    *) echo "usage: $0 [--bench]" >&2; exit 2 ;;
  esac
done

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
command -v curl >/dev/null 2>&1 || apt_packages+=(curl)
if [ "$bench" -eq 1 ]; then
  command -v wrk >/dev/null 2>&1 || apt_packages+=(wrk)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_packages+=(nginx)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "install-test-deps: apt-get install ${apt_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -q
  sudo_if_needed apt-get install -y -q --no-install-recommends "${apt_packages[@]}"
fi

command -v npm >/dev/null 2>&1 || { echo "install-test-deps: npm not found (Node 20 needed)" >&2; exit 1; }
# npm ci when node_modules is missing or older than the lockfile (npm ci itself rewrites
# node_modules/.package-lock.json, whose mtime then marks the install as current).
stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "install-test-deps: npm ci"
  npm ci --no-audit --no-fund
  touch "$stamp"
fi
echo "install-test-deps: ok ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
