#!/usr/bin/env bash
# Lints the served OpenAPI document with the Logius API Design Rules ruleset (Spectral, the
# copy in api-lint/) and fails on any error, warning, info or hint. Also checks that the
# server really sends what the document promises for the document itself: `API-Version` and
# `Access-Control-Allow-Origin: *`.
#   scripts/lint-api.sh   (builds the release binary unless WIJKWIJZER_BIN names one)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/api-server.sh
. scripts/api-server.sh

[ -x node_modules/.bin/spectral ] || npm ci --no-audit --no-fund
# The base URL the document names as its server; a real deployment has an https one.
start_api_server --base-url https://wijkwijzer.example

out="$API_DIR/openapi.json"
headers="$API_DIR/headers.txt"
curl -sf -D "$headers" -o "$out" "$API_URL/api/v1/openapi.json"
grep -qi '^api-version: [0-9]*\.[0-9]*\.[0-9]*' "$headers" \
    || { echo "lint-api: /api/v1/openapi.json stuurt geen API-Version" >&2; exit 1; }
grep -qi '^access-control-allow-origin: \*' "$headers" \
    || { echo "lint-api: /api/v1/openapi.json stuurt geen Access-Control-Allow-Origin: *" >&2; exit 1; }

node_modules/.bin/spectral lint --ruleset api-lint/spectral-servers.yml --fail-severity hint "$out"
echo "lint-api: 0 errors, 0 warnings (api-lint/spectral-servers.yml)"
