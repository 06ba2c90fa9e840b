# hookguard's tasks. `scripts/just` runs this file on a fresh machine (it installs `just`).
# CI runs `scripts/just test`, which is `ready` below: the same checks a developer runs.

set shell := ["bash", "-euo", "pipefail", "-c"]

wasm_targets := "wasm32-unknown-unknown wasm32-wasip1"
second_validator := "tests/second-validator"
plugin_built := "target/wasm32-wasip1/wasm/hookguard_plugin.wasm"
plugin := "target/hookguard.wasm"

# List the recipes
default:
    @just --list

# Install what the recipes need: Rust's wasm targets, wasm-opt, the second validator's npm packages
setup:
    rustup target add {{wasm_targets}}
    cd {{second_validator}} && npm ci --no-audit --no-fund --loglevel=error
    if ! command -v wasm-opt >/dev/null; then \
      if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq binaryen >/dev/null; \
      else echo "note: install binaryen (wasm-opt) to optimize the plugin module"; fi; \
    fi

# Run every check CI runs: formatting, lints, tests, schema drift, second validator, wasm builds, ABI
test: setup fmt-check lint unit-tests schemas-check second-validator wasm abi-test
    @echo "all checks passed"

# Alias of `test`, the name other projects use for "what CI runs"
ready: test

# The Rust test suites of every crate (fixtures, properties, drift, doctests)
unit-tests:
    cargo test --workspace --all-targets
    cargo test --workspace --doc

# Check formatting without changing files
fmt-check:
    cargo fmt --all -- --check

# Clippy over every crate and target, warnings denied
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate schemas/ from the event types
schemas:
    cargo run --quiet -p hookguard-schemagen

# Fail when schemas/ differs from what the event types generate
schemas-check:
    cargo run --quiet -p hookguard-schemagen -- --check

# Rewrite tests/expected/verdicts.json after an intended change of behaviour (review the diff!)
bless:
    HOOKGUARD_BLESS=1 cargo test --quiet -p hookguard --test verdicts

# Check the schemas with an independent validator (ajv, 2020-12) against the recorded verdicts
second-validator:
    cd {{second_validator}} && node --test

# Build the core library for both WebAssembly targets
wasm:
    for target in {{wasm_targets}}; do cargo build --release -p hookguard --target "$target"; done

# Build the portable plugin module (target/hookguard.wasm), optimized, and report its size
plugin:
    cargo build --quiet -p hookguard-plugin --target wasm32-wasip1 --profile wasm
    if command -v wasm-opt >/dev/null; then \
      wasm-opt -O3 --all-features --strip-debug {{plugin_built}} -o {{plugin}}; \
    else cp {{plugin_built}} {{plugin}}; echo "wasm-opt not found: module left unoptimized"; fi
    @echo "hookguard.wasm: $(stat -c %s {{plugin_built}}) bytes built, $(stat -c %s {{plugin}}) bytes shipped, $(gzip -9c {{plugin}} | wc -c) bytes gzipped"

# Drive the plugin module through its ABI from a second host (Node's bare WebAssembly API)
abi-test: plugin
    cd tests/abi-node && HOOKGUARD_WASM="$PWD/../../{{plugin}}" node --test

# Validate and normalize payload files with the native core (one JSON report per line)
validate +files:
    cargo run --quiet --release -p hookguard --example validate_files -- {{files}}
