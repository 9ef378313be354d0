# The two commands a newcomer needs: `make run` (platform with demo data) and `make test` (all tests).
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR

.PHONY: run test deps deps-npm test-rust test-browser bench

run: deps-npm
	cargo run --release -- serve

test: deps test-rust test-browser

# npm packages (NL Design System CSS, bundled by build.rs; playwright-core, axe) and Chromium.
deps:
	scripts/install-test-deps.sh

deps-npm:
	@[ -d node_modules ] || npm ci --no-audit --no-fund

# Every test on SQLite, then the HTTP/API tests again on a throwaway PostgreSQL server.
test-rust:
	cargo test --release
	url=$$(scripts/test-postgres.sh) && WIJKWIJZER_TEST_POSTGRES=$$url cargo test --release --test api

test-browser:
	cargo build --release
	WIJKWIJZER_BIN=$(CARGO_TARGET_DIR)/release/wijkwijzer node e2e/run.mjs

bench:
	scripts/install-test-deps.sh --bench
	scripts/bench.sh
