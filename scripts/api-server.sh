# Sourced by scripts/lint-api.sh and scripts/schemathesis.sh: starts the release binary with
# the demo data on a free port of 127.0.0.1, in a temporary folder that is removed on exit.
# After `start_api_server [ARGS…]`, API_URL is http://127.0.0.1:PORT and API_PID the server.
: "${CARGO_TARGET_DIR:=$PWD/target}"
BIN="${WIJKWIJZER_BIN:-$CARGO_TARGET_DIR/release/wijkwijzer}"

start_api_server() {
    if [ -z "${WIJKWIJZER_BIN:-}" ]; then
        cargo build --release --quiet
    fi
    API_DIR=$(mktemp -d)
    trap 'stop_api_server' EXIT
    local port
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    API_URL="http://127.0.0.1:$port"
    "$BIN" --db "$API_DIR/api.db" serve --addr "127.0.0.1:$port" "$@" >"$API_DIR/server.log" 2>&1 &
    API_PID=$!
    for _ in $(seq 1 120); do
        if curl -sf "$API_URL/healthz" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$API_PID" 2>/dev/null; then
            break
        fi
        sleep 0.5
    done
    echo "de server start niet; log:" >&2
    cat "$API_DIR/server.log" >&2
    return 1
}

stop_api_server() {
    if [ -n "${API_PID:-}" ]; then
        kill "$API_PID" 2>/dev/null || true
        wait "$API_PID" 2>/dev/null || true
        API_PID=
    fi
    [ -n "${API_DIR:-}" ] && rm -rf "$API_DIR"
}
