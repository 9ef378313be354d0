#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for the tests (127.0.0.1, trust authentication, data in
# /tmp) unless one already answers, and prints its URL for WIJKWIJZER_TEST_POSTGRES.
# Installs Debian's postgresql-15 when it is missing. Stop it with: scripts/test-postgres.sh stop
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
DIR="${WIJKWIJZER_PG_DIR:-/tmp/wijkwijzer-test-pg}"
PORT="${WIJKWIJZER_PG_PORT:-55432}"
URL="postgres://postgres@127.0.0.1:$PORT"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
    [ -d "$DIR/data" ] && as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null || true
    exit 0
fi
if [ ! -x "$BIN/initdb" ]; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
fi
OPTS="-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500"
start() {
    # Durability is not under test here; speed is welcome.
    as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o "$OPTS" start >&2
}
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    # A cluster left from an earlier run is started again; only a broken one is made anew.
    if ! { [ -f "$DIR/data/PG_VERSION" ] && start; }; then
        [ -f "$DIR/data/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
        rm -rf "$DIR"
        mkdir -p "$DIR"
        if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
        as_postgres "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
        start
    fi
fi
echo "$URL"
