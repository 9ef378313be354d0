#!/usr/bin/env bash
# The digest benchmark of Mijn WijkWijzer: 10,000 offerings, 100,000 followers with 3 follows
# each and 500 changed offerings; the server makes the digests in its background job (first
# run --digest-interval seconds after start) while wrk measures the catalogue page. Prints the
# digest run's time (from the server log), the server's peak memory before and after, and wrk's
# latency. Needs wrk. Writes to bench/out-digest/.
set -euo pipefail
export WIJKWIJZER_LOG=${WIJKWIJZER_LOG:-warn,wijkwijzer::digest=info}
source "$(dirname "$0")/bench-lib.sh"
OUT=bench/out-digest
rm -rf "$OUT" && mkdir -p "$OUT"
DB="$OUT/bench.db"
PORT=18090
python3 scripts/gen_offerings.py --n 10000 --out "$OUT/aanbod-10k.jsonl" >/dev/null
TAX=../shared/data/taxonomy.json
[ -f "$TAX" ] || TAX=data/demo/taxonomy.json
"$BIN" --db "$DB" import taxonomie "$TAX" >/dev/null
"$BIN" --db "$DB" import aanbod "$OUT/aanbod-10k.jsonl" >/dev/null
python3 scripts/seed_followers.py "$DB" --followers "${FOLLOWERS:-100000}" --changes "${CHANGES:-500}"
WIJKWIJZER_MAIL_DIR="$OUT/mail" "$BIN" --db "$DB" serve --empty --addr "127.0.0.1:$PORT" --digest-interval 20 >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; do sleep 0.05; done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/aanbod?q=wijk"
echo "peak RSS before the digest run: $(grep VmHWM /proc/$SERVER/status)"
echo "== /aanbod?q=wijk while the digest runs (wrk -t2 -c64 -d60s)"
wrk -t2 -c64 -d60s --latency "http://127.0.0.1:$PORT/aanbod?q=wijk" | grep -E "Requests/sec|50%|90%|99%"
for _ in $(seq 600); do grep -q overzichtsmails "$OUT/server.log" && break; sleep 1; done
echo "peak RSS after the digest run: $(grep VmHWM /proc/$SERVER/status)"
echo "digest run (ms = its duration):"
grep -E "overzichtsmails" "$OUT/server.log" | tail -3
