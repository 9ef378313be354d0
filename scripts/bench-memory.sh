#!/usr/bin/env bash
# Server memory at a catalogue size, without load noise: RSS after start-up, and after the first
# match and the first catalogue page (the matcher and the search are then built), read from
# /proc/PID/status. Reuses scripts/bench-uncached.sh's database when it is there.
#   scripts/bench-memory.sh [SIZE]      (default 50000; WIJKWIJZER_BIN=path skips the build)
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
N=${1:-50000}
OUT=bench/out/uncached
mkdir -p "$OUT"
DB="$OUT/bench-$N.db"
TAX=../shared/data/taxonomy.json
[ -f "$TAX" ] || TAX=data/demo/taxonomy.json
if [ ! -f "$DB" ]; then
  python3 scripts/gen_offerings.py --n "$N" --out "$OUT/aanbod-$N.jsonl" >/dev/null 2>&1
  "$BIN" --db "$DB" import taxonomie "$TAX" >/dev/null 2>&1 || true
  "$BIN" --db "$DB" import aanbod "$OUT/aanbod-$N.jsonl" >/dev/null 2>&1
fi
PORT=18093
"$BIN" --db "$DB" serve --no-page-cache --addr "127.0.0.1:$PORT" >"$OUT/memory-$N.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.05; done
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$SERVER/status"; }
start=$(rss)
curl -fs -o /dev/null -X POST -H 'content-type: application/json' \
  -d '{"vraag":"Hoe pak ik drugsoverlast in mijn portiek aan?"}' "http://127.0.0.1:$PORT/api/v1/matches"
curl -fs -o /dev/null "http://127.0.0.1:$PORT/aanbod?q=jongeren"
sleep 2
echo "$N offerings: RSS $start MB after start-up, $(rss) MB after the first match and catalogue page"
