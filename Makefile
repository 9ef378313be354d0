# The two commands a newcomer needs: `make run` (platform with demo data) and `make test` (all tests).
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR

.PHONY: run test test-rust test-browser deps-npm bench

run:
	cargo run --release -- serve

test: test-rust

test-rust:
	cargo test --release

bench:
	scripts/bench.sh
