#!/usr/bin/env bash
# Reproduces the performance figures of the README on this machine:
#   import of 10,000 offerings, start-up time, API search latency, page throughput against
#   nginx serving the same bytes, server memory, page weight, and the matching engine.
# Needs wrk and nginx (scripts/install-test-deps.sh --bench). Writes to bench/out/.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
OUT=bench/out
rm -rf "$OUT" && mkdir -p "$OUT"
PORT=18080
NGINX_PORT=18081
DB="$OUT/bench.db"

python3 scripts/gen_offerings.py --n 10000 --out "$OUT/aanbod-10k.jsonl" >/dev/null
if [ -f ../shared/data/taxonomy.json ]; then "$BIN" --db "$DB" import taxonomie ../shared/data/taxonomy.json >/dev/null 2>&1; fi

echo "== import of 10,000 offerings (JSONL, including indexing)"
start=$(date +%s.%N)
"$BIN" --db "$DB" import aanbod "$OUT/aanbod-10k.jsonl"
end=$(date +%s.%N)
echo "import: $(echo "$end - $start" | bc) s"

echo "== start-up with existing database and index: process start to first 200 on /healthz"
start=$(date +%s.%N)
"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [ -f "$OUT/nginx.pid" ] && kill "$(cat "$OUT/nginx.pid")" 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.005; done
end=$(date +%s.%N)
echo "start-up: $(echo "$end - $start" | bc) s"

ID=$(curl -fs "http://127.0.0.1:$PORT/api/v1/aanbod?pageSize=1&sort=titel" | python3 -c 'import sys,json;print(json.load(sys.stdin)["resultaten"][0]["id"])')
SEARCH="/aanbod?q=wijk&thema=langjarige-wijkaanpak"
DETAIL="/aanbod/$ID"

echo "== API search latency, one connection, fixed query set (wrk -t1 -c1 -d15s)"
echo "-- with the page cache (the query set repeats, so this is mostly cache hits)"
wrk -t1 -c1 -d15s --latency -s scripts/bench-queries.lua "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%"
echo "-- without the page cache (every request searches, counts facets and renders)"
"$BIN" --db "$DB" serve --no-page-cache --addr "127.0.0.1:$((PORT + 2))" >"$OUT/server-nocache.log" 2>&1 &
NOCACHE=$!
until curl -fs -o /dev/null "http://127.0.0.1:$((PORT + 2))/healthz"; do sleep 0.01; done
wrk -t1 -c1 -d15s --latency -s scripts/bench-queries.lua "http://127.0.0.1:$((PORT + 2))" | grep -E "Requests/sec|50%|90%|99%"

echo "== nginx serving the same bytes as static files"
mkdir -p "$OUT/www/aanbod"
curl -fs "http://127.0.0.1:$PORT$SEARCH" >"$OUT/www/search.html"
curl -fs "http://127.0.0.1:$PORT$DETAIL" >"$OUT/www/detail.html"
cat >"$OUT/nginx.conf" <<NGINX
worker_processes 2;
pid $PWD/$OUT/nginx.pid;
error_log $PWD/$OUT/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $PWD/$OUT/www;
    default_type text/html;
  }
}
NGINX
nginx -c "$PWD/$OUT/nginx.conf"
sleep 0.5

run() { # name url
  local r
  r=$(wrk -t2 -c64 -d20s --latency "$2")
  echo "$1: $(echo "$r" | awk '/Requests\/sec/ {print $2}') req/s, p50 $(echo "$r" | awk '$1=="50%" {print $2}'), p99 $(echo "$r" | awk '$1=="99%" {print $2}')"
}
echo "== throughput, wrk -t2 -c64 -d20s (server and wrk share the 2 cores)"
run "search page  $SEARCH" "http://127.0.0.1:$PORT$SEARCH"
run "nginx same bytes (search)" "http://127.0.0.1:$NGINX_PORT/search.html"
run "detail page  $DETAIL" "http://127.0.0.1:$PORT$DETAIL"
run "nginx same bytes (detail)" "http://127.0.0.1:$NGINX_PORT/detail.html"

echo "== throughput without the page cache, wrk -t2 -c64 -d20s"
run "search page, uncached" "http://127.0.0.1:$((PORT + 2))$SEARCH"
run "detail page, uncached" "http://127.0.0.1:$((PORT + 2))$DETAIL"
kill $NOCACHE

echo "== server memory after the benchmark"
echo "RSS: $(( $(ps -o rss= -p $SERVER) / 1024 )) MB"

echo "== page weight of the catalogue page, compressed (gzip), including CSS"
html=$(curl -fs -H 'accept-encoding: gzip' "http://127.0.0.1:$PORT/aanbod" | wc -c)
css_path=$(curl -fs "http://127.0.0.1:$PORT/aanbod" | grep -o '/static/site\.[0-9a-f]*\.css' | head -1)
css=$(curl -fs -H 'accept-encoding: gzip' "http://127.0.0.1:$PORT$css_path" | wc -c)
echo "catalogue page: html $html B + css $css B = $(( (html + css) / 1024 )) KB (no JavaScript)"

echo "== matching engine over 10,000 offerings (single thread)"
cargo bench -q --bench matching 2>/dev/null | grep -E "p50|p99|offerings|OVERGESLAGEN" || true

echo "== gap analysis over 10,000 offerings and 50,000 questions"
cargo bench -q --bench gaps 2>/dev/null | grep -E "median" || true

echo "== learning agenda and gaps pages with 10,000 offerings and 50,000 questions"
kill $SERVER; wait $SERVER 2>/dev/null || true
python3 scripts/gen_offerings.py --questions 50000 --out "$OUT/leervragen-50k.jsonl" >/dev/null
"$BIN" --db "$DB" import leervragen "$OUT/leervragen-50k.jsonl"
"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" >"$OUT/server2.log" 2>&1 &
SERVER=$!
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.05; done
echo "(waiting until the background job has matched all 50,000 imported questions)"
start=$(date +%s)
until [ "$(curl -fs "http://127.0.0.1:$PORT/api/v1/leeragenda" | python3 -c 'import sys,json; print(json.load(sys.stdin)["nogTeKoppelen"])')" = "0" ]; do sleep 1; done
echo "matched in about $(( $(date +%s) - start )) s"
run "/leeragenda" "http://127.0.0.1:$PORT/leeragenda"
run "/lacunes" "http://127.0.0.1:$PORT/lacunes"

