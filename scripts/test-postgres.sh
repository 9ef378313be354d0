#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for the tests (127.0.0.1, trust authentication, data in
# /tmp) unless one already answers, and prints its URL for WIJKWIJZER_TEST_POSTGRES.
# The server only accepts TLS, with a certificate from a CA made here; the URL asks for
# sslmode=verify-full against that CA, so the tests run over a checked TLS connection.
# Installs Debian's postgresql-15 when it is missing. Stop it with: scripts/test-postgres.sh stop
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
DIR="${WIJKWIJZER_PG_DIR:-/tmp/wijkwijzer-test-pg}"
PORT="${WIJKWIJZER_PG_PORT:-55432}"
TLS="$DIR/tls"
URL="postgres://postgres@127.0.0.1:$PORT?sslmode=verify-full&sslrootcert=$TLS/ca.crt"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
    [ -d "$DIR/data" ] && as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null || true
    exit 0
fi
if [ ! -x "$BIN/initdb" ] || ! command -v openssl >/dev/null; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 openssl >&2
fi
OPTS="-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500 -c ssl=on -c ssl_cert_file=$TLS/server.crt -c ssl_key_file=$TLS/server.key"
# A CA and a server certificate for 127.0.0.1, valid for 10 days.
make_tls() {
    mkdir -p "$TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 10 -subj "/CN=wijkwijzer test CA" \
        -keyout "$TLS/ca.key" -out "$TLS/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$TLS/ext"
    openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial \
        -days 10 -extfile "$TLS/ext" -out "$TLS/server.crt" 2>/dev/null
    chmod 600 "$TLS/server.key"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$TLS"; fi
}
start() {
    # Durability is not under test here; speed is welcome.
    as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o "$OPTS" start >&2
}
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    # A cluster left from an earlier run is started again; only a broken one, or one whose
    # certificate is close to expiry, is made anew.
    if ! { [ -f "$DIR/data/PG_VERSION" ] && [ -n "$(find "$TLS/server.crt" -mtime -5 2>/dev/null)" ] && start; }; then
        [ -f "$DIR/data/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
        rm -rf "$DIR"
        mkdir -p "$DIR"
        if [ "$(id -u)" = 0 ]; then chown postgres: "$DIR"; fi
        as_postgres "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
        # TCP connections without TLS are refused.
        printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n' >"$DIR/data/pg_hba.conf"
        make_tls
        start
    fi
fi
echo "$URL"
