#!/usr/bin/env bash
# The platform without its page cache: every request a new random query (scripts/bench-random.lua),
# at several catalogue sizes. Prints one table row per size: import, start-up, catalogue page and
# search API throughput at 16 connections, search API latency for one client, offering pages by
# random id, and server memory afterwards.
#   scripts/bench-uncached.sh [SIZE ...]      (default: 1000 10000 50000)
# Needs wrk (scripts/install-test-deps.sh --bench). Writes to bench/out/uncached/.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
OUT=bench/out/uncached
rm -rf "$OUT" && mkdir -p "$OUT"
PORT=18090
TAX=../shared/data/taxonomy.json
[ -f "$TAX" ] || TAX=data/demo/taxonomy.json
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 50000)
DUR=${BENCH_SECONDS:-15}

wrk_row() { # label mode connections
  local r
  r=$(wrk -t2 -c"$3" -d"${DUR}s" --latency -s scripts/bench-random.lua "http://127.0.0.1:$PORT" -- "$2" "$LISTS")
  echo "$r" >"$OUT/$N-$1.txt"
  printf '%s req/s, p50 %s, p99 %s' "$(echo "$r" | awk '/Requests\/sec/ {printf "%d", $2}')" \
    "$(echo "$r" | awk '$1=="50%" {print $2}')" "$(echo "$r" | awk '$1=="99%" {print $2}')"
}

printf '| offerings | import | start-up | catalogue page, c16 | search API, c16 | search API, 1 client | offering pages, c16 | RSS after |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for N in "${SIZES[@]}"; do
  DB="$OUT/bench-$N.db"
  LISTS="$OUT/lists-$N"
  python3 scripts/gen_offerings.py --n "$N" --out "$OUT/aanbod-$N.jsonl" >/dev/null 2>&1
  python3 scripts/bench-lists.py "$OUT/aanbod-$N.jsonl" "$TAX" "$LISTS" >/dev/null
  "$BIN" --db "$DB" import taxonomie "$TAX" >/dev/null 2>&1 || true
  start=$(date +%s.%N)
  "$BIN" --db "$DB" import aanbod "$OUT/aanbod-$N.jsonl" >/dev/null 2>&1
  import=$(echo "$(date +%s.%N) - $start" | bc)
  start=$(date +%s.%N)
  "$BIN" --db "$DB" serve --no-page-cache --addr "127.0.0.1:$PORT" >"$OUT/server-$N.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.005; done
  startup=$(echo "$(date +%s.%N) - $start" | bc)
  # A running server has its matcher: the first question builds it (the server also starts that
  # build in the background), so the runs below do not share the cores with it.
  curl -fs -o /dev/null -X POST -H 'content-type: application/json' \
    -d '{"vraag":"Hoe pak ik drugsoverlast in mijn portiek aan?"}' "http://127.0.0.1:$PORT/api/v1/matches"
  page=$(wrk_row page page 16)
  api=$(wrk_row api api 16)
  one=$(wrk -t1 -c1 -d"${DUR}s" --latency -s scripts/bench-random.lua "http://127.0.0.1:$PORT" -- api "$LISTS")
  echo "$one" >"$OUT/$N-api-1.txt"
  one=$(printf 'p50 %s, p99 %s' "$(echo "$one" | awk '$1=="50%" {print $2}')" "$(echo "$one" | awk '$1=="99%" {print $2}')")
  offering=$(wrk_row offering offering 16)
  rss=$(( $(ps -o rss= -p $SERVER) / 1024 ))
  kill $SERVER; wait $SERVER 2>/dev/null || true
  printf '| %s | %.1f s | %.2f s | %s | %s | %s | %s | %s MB |\n' "$N" "$import" "$startup" "$page" "$api" "$one" "$offering" "$rss"
done
