# Sourced by the benchmark scripts: the repository as working folder, quiet logs unless
# WIJKWIJZER_LOG says otherwise, and BIN the release binary (built here unless
# WIJKWIJZER_BIN=path names one).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export WIJKWIJZER_LOG="${WIJKWIJZER_LOG:-warn}"
if [ -n "${WIJKWIJZER_BIN:-}" ]; then
  BIN=$WIJKWIJZER_BIN
else
  cargo build --release -q
  BIN="$CARGO_TARGET_DIR/release/wijkwijzer"
fi
