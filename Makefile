# The two commands a newcomer needs: `make run` (platform with demo data) and `make test` (all tests).
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR

.PHONY: run test deps deps-npm lint test-rust test-api-contract test-browser bench

run: deps-npm
	cargo run --release -- serve

test: deps lint test-rust test-api-contract test-browser

# Formatting and lints first: cheap, and a red mark here is a red mark on main.
lint:
	cargo fmt --check
	cargo clippy --release --all-targets -- -D warnings

# npm packages (NL Design System CSS, bundled by build.rs; playwright-core, axe) and Chromium.
deps:
	scripts/install-test-deps.sh

deps-npm:
	@[ -d node_modules ] || npm ci --no-audit --no-fund

# Every test on SQLite, then the HTTP/API tests again on a throwaway PostgreSQL server.
test-rust:
	cargo test --release
	url=$$(scripts/test-postgres.sh) && WIJKWIJZER_TEST_POSTGRES=$$url cargo test --release --test api

# The OpenAPI document against the Logius API Design Rules (Spectral, api-lint/) and the server
# against its document (schemathesis, bounded to 60 s).
test-api-contract:
	cargo build --release
	scripts/lint-api.sh
	scripts/schemathesis.sh 60

test-browser:
	cargo build --release
	WIJKWIJZER_BIN=$(CARGO_TARGET_DIR)/release/wijkwijzer node e2e/run.mjs

bench:
	scripts/install-test-deps.sh --bench
	scripts/bench.sh
	scripts/bench-uncached.sh
	scripts/bench-memory.sh 50000
	scripts/bench-digest.sh
