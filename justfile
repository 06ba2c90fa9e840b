# hookguard's tasks. `scripts/just` runs this file on a fresh machine (it installs `just`).
# CI runs `scripts/just test`: the same checks a developer runs, timed stage by stage.

set shell := ["bash", "-euo", "pipefail", "-c"]

wasm_targets := "wasm32-unknown-unknown wasm32-wasip1"
second_validator := "tests/second-validator"
plugin := "target/hookguard.wasm"
gateway := "target/hookguard-gateway.wasm"
cli := "target/release/hookguard"
js_package := "crates/hookguard-js/npm"
python_package := "crates/hookguard-py"
sample := "tests/fixtures/captures/ocrolus-deliveries.http"

# List the recipes
default:
    @just --list

# Install what the recipes need: the wasm toolchain, npm packages, Envoy, wasm-bindgen, Chromium, Firefox, Redis
setup: toolchain browsers stores
    cd {{second_validator}} && npm ci --no-audit --no-fund --loglevel=error
    cd {{js_package}} && npm ci --no-audit --no-fund --loglevel=error
    scripts/envoy --version >/dev/null
    scripts/wasm-bindgen --version >/dev/null

# Debian's Chromium and Firefox ESR, for the npm package's real-browser tests
browsers:
    if ! command -v chromium >/dev/null || ! command -v firefox-esr >/dev/null; then \
      if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium firefox-esr >/dev/null; \
      else echo "install Debian's chromium and firefox-esr packages for the browser tests (sudo apt-get install chromium firefox-esr)"; exit 1; fi; \
    fi

# Debian's redis-server (the memory replicas share, started by the tests) and webdis (its HTTP front for the gateway)
stores:
    if ! command -v redis-server >/dev/null || ! command -v webdis >/dev/null; then \
      if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server webdis >/dev/null; \
      else echo "install Debian's redis-server and webdis packages for the shared-memory tests (sudo apt-get install redis-server webdis)"; exit 1; fi; \
    fi

# Rust's wasm targets, and wasm-opt (binaryen) to optimize the plugin module
toolchain:
    rustup target add {{wasm_targets}}
    if ! command -v wasm-opt >/dev/null; then \
      if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq binaryen >/dev/null; \
      else echo "note: install binaryen (wasm-opt) to optimize the plugin module"; fi; \
    fi

# (fmt, clippy, Rust tests (the tower layer's over real HTTP and Redis among them), schema drift,
# the core and the tower layer packaged, ajv, wasm builds, the ABI from Node,
# the CLI, Envoy, a 30 s Envoy soak, the npm package and its packed tarball installed, the
# tarball in Node (node:http, Express, Hono, Fastify), Deno, Bun and workerd, the Python package and its wheel, and a
# 10-second fuzz run per target; `scripts/just fuzz` alone runs a minute each)
# Run every check CI runs, and say how long each stage took
test:
    #!/usr/bin/env bash
    set -euo pipefail
    stages=(setup fmt-check lint unit-tests schemas-check openapi-lint crate-package second-validator wasm
            abi-test cli-test gateway-test "gateway-soak 30" "delivery-soak 500 16" js-test js-pack js-runtimes python-test site-test "fuzz all 10")
    started=$SECONDS
    timings=""
    # The table is printed however the run ends, so a failure still shows where time went.
    trap 'status=$?; printf "\n%-16s %6s\n%s%-16s %5d s\n" stage time "$timings" total $((SECONDS - started));
          [ $status = 0 ] && echo "all checks passed" || echo "a check failed (exit $status)"' EXIT
    for stage in "${stages[@]}"; do
      begin=$SECONDS
      # Each stage in its own run; modules already built are reused (see _module and js).
      {{just_executable()}} --justfile {{justfile()}} $stage
      timings+=$(printf "%-16s %5d s" "$stage" $((SECONDS - begin)))$'\n'
    done

# Alias of `test`, the name other projects use for "what CI runs"
ready: test

# (The command line has its own recipe, `cli-test`: it needs the plugin module built first.)
# The Rust test suites of every crate but the CLI (fixtures, properties, drift, doctests)
unit-tests:
    cargo test --workspace --all-targets --exclude hookguard-cli --exclude hookguard-py
    cargo test --workspace --doc --exclude hookguard-cli --exclude hookguard-py

# Check formatting without changing files
fmt-check:
    cargo fmt --all -- --check

# Clippy over every crate and target, warnings denied (the gateway's proxy-wasm glue is wasm-only)
lint: toolchain
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p hookguard-gateway -p hookguard-empty-filter --target wasm32-wasip1 -- -D warnings

# Regenerate schemas/ from the event types
schemas:
    cargo run --quiet -p hookguard-schemagen

# Fail when schemas/ differs from what the event types generate
schemas-check:
    cargo run --quiet -p hookguard-schemagen -- --check

# (The drift overlay is drafted first: its verdicts are recorded with it.)
# Rewrite tests/expected/ (verdicts, answers, drift verdicts, overlay errors) and the drift overlay after an intended change of behaviour (review the diff!)
bless:
    HOOKGUARD_BLESS=1 cargo test --quiet -p hookguard --test overlays the_drift_overlay_is_what_a_survey
    HOOKGUARD_BLESS=1 cargo test --quiet -p hookguard --test verdicts --test answers --test overlays

# Validate schemas/openapi.json with an independent OpenAPI 3.1 validator (PyPI's openapi-spec-validator)
openapi-lint:
    scripts/openapi-lint

# Check the schemas with an independent validator (ajv, 2020-12) against the recorded verdicts
second-validator:
    cd {{second_validator}} && node --test

# Build the core library for both WebAssembly targets
wasm: toolchain
    for target in {{wasm_targets}}; do cargo build --release -p hookguard --target "$target"; done

# Build the portable plugin module (target/hookguard.wasm), optimized, and report its size
plugin: toolchain (_module "hookguard-plugin" plugin "wasm" "-O3")

# Build the gateway filter (target/hookguard-gateway.wasm, proxy-wasm), optimized, and report its size
gateway: toolchain (_module "hookguard-gateway" gateway "wasm" "-O3" "crates/hookguard-gateway/exports.json")

# (wasm-opt reads the features to allow from the module's target_features section; forcing
# --all-features let it emit typed function references, which Envoy's V8 refuses.) The gateway
# is built for speed like the others: once validation had no tree, opt-level 3 measured 11% more
# requests/s in Envoy than opt-level z (BENCHMARKS.md), for 104 KB more per VM.
# Build one crate as an optimized wasm32-wasip1 module at `out`. `exports`, a wasm-metadce graph,
# names the exports to keep (the rest and all they alone reach are removed before wasm-opt): the
# gateway keeps the proxy-wasm callbacks it answers and drops the SDK's gRPC and TCP ones, which
# a host only calls when present and never for an HTTP filter that makes no gRPC call (16 KB).
_module crate out profile level exports="":
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --quiet -p {{crate}} --target wasm32-wasip1 --profile {{profile}}
    built="target/wasm32-wasip1/{{profile}}/$(echo {{crate}} | tr - _).wasm"
    # Built once per change, not once per recipe that needs it (cargo leaves an unchanged
    # module's time alone).
    if [ {{out}} -nt "$built" ]; then echo "{{out}}: up to date"; exit 0; fi
    if [ -n "{{exports}}" ] && command -v wasm-metadce >/dev/null; then
      wasm-metadce "$built" --graph-file {{exports}} -o "$built.kept" > /dev/null
      built="$built.kept"
    fi
    if command -v wasm-opt >/dev/null; then
      wasm-opt {{level}} --strip-debug "$built" -o {{out}}
    else cp "$built" {{out}}; echo "wasm-opt not found: module left unoptimized"; fi
    echo "{{out}}: $(stat -c %s "$built") bytes built, $(stat -c %s {{out}}) bytes shipped, $(gzip -9c {{out}} | wc -c) bytes gzipped"

# Drive the plugin module through its ABI from a second host (Node's bare WebAssembly API)
abi-test: plugin
    cd tests/abi-node && HOOKGUARD_WASM="$PWD/../../{{plugin}}" node --test

# Build the `hookguard` command line (target/release/hookguard) with the plugin module inside
cli: plugin
    cargo build --quiet --release -p hookguard-cli
    @echo "built {{cli}}"

# (Then ajv, an independent validator, on the effective schemas `hookguard schemas --overlay` writes.)
# The command line's tests: the built binary on the fixtures, captures and snapshots
cli-test: plugin
    cargo test --release -p hookguard-cli
    cargo build --quiet --release -p hookguard-cli
    rm -rf target/effective-schemas
    {{cli}} schemas --overlay tests/fixtures/drift/overlay.json --out-dir target/effective-schemas
    cd {{second_validator}} && HOOKGUARD_EFFECTIVE_SCHEMAS="$PWD/../../target/effective-schemas" node --test effective-schemas.mjs

# Build the npm package in crates/hookguard-js/npm: wasm-bindgen's Node (CommonJS) and web builds
js: toolchain
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --quiet -p hookguard-js --target wasm32-unknown-unknown --profile wasm
    built=target/wasm32-unknown-unknown/wasm/hookguard_js.wasm
    if [ {{js_package}}/node/hookguard_js_bg.wasm -nt "$built" ] && [ {{js_package}}/web/hookguard_js_bg.wasm -nt "$built" ]; then
      echo "npm package {{js_package}}: up to date"; exit 0
    fi
    # wasm-opt runs before wasm-bindgen (Debian's binaryen 108 cannot read the table
    # instructions wasm-bindgen emits for JavaScript values afterwards): 15% smaller, as fast.
    if command -v wasm-opt >/dev/null; then
      wasm-opt -O3 "$built" -o target/hookguard_js.opt.wasm && built=target/hookguard_js.opt.wasm
    else echo "wasm-opt not found: the npm package's module is left unoptimized"; fi
    for target in nodejs web; do
      out={{js_package}}/$([ "$target" = nodejs ] && echo node || echo web)
      scripts/wasm-bindgen --target "$target" --out-name hookguard_js --out-dir "$out" "$built"
    done
    # The package is ESM ("type": "module"); wasm-bindgen's nodejs glue is CommonJS, and it
    # requires the crate's inline JavaScript as written (ESM): say its exports in CommonJS.
    echo '{"type": "commonjs"}' > {{js_package}}/node/package.json
    for snippet in {{js_package}}/node/snippets/*/*.js; do
      sed -i -E 's/^export function ([A-Za-z0-9_]+)/exports.\1 = function \1/' "$snippet"
      if grep -qE '^export[ {]' "$snippet"; then echo "$snippet: an export the CommonJS rewrite does not handle"; exit 1; fi
    done
    echo "npm package {{js_package}}: $(stat -c %s {{js_package}}/web/hookguard_js_bg.wasm) bytes of wasm per build, $(gzip -9c {{js_package}}/web/hookguard_js_bg.wasm | wc -c) gzipped"

# The npm package as users get it: `npm pack`, installed into an empty folder, smoke-tested
js-pack: js
    #!/usr/bin/env bash
    set -euo pipefail
    app=$(mktemp -d)
    trap 'rm -rf "$app"' EXIT
    tarball=$(cd {{js_package}} && npm pack --silent --pack-destination "$app")
    cd "$app" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "./$tarball"
    node "{{justfile_directory()}}/{{js_package}}/test/installed/smoke.mjs" \
      "{{justfile_directory()}}/tests/fixtures/seeds/account/BOOK_VERIFIED.json" book.verified

# Every runtime the npm package names, from the packed tarball: Node (http, Express, Hono,
# Fastify), Next.js (Turbopack and webpack builds under `next start`), Deno, Bun and workerd (the
# Worker bundled by esbuild) each serve the same receiver on 127.0.0.1, held to the recorded
# fixtures, answers, signature vectors and delivery contract over HTTP (`js-runtimes deno,bun` to pick)
js-runtimes runtimes="": js
    #!/usr/bin/env bash
    set -euo pipefail
    app=$(mktemp -d)
    trap 'rm -rf "$app"' EXIT
    tarball=$(cd {{js_package}} && npm pack --silent --pack-destination "$app")
    cp -r {{js_package}}/test/runtimes/*.mjs {{js_package}}/test/runtimes/*.cjs {{js_package}}/test/runtimes/*.json {{js_package}}/test/runtimes/next {{js_package}}/test/runtimes/next-webpack "$app"/
    cd "$app"
    npm ci --no-audit --no-fund --loglevel=error
    npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball"
    HOOKGUARD_REPO="{{justfile_directory()}}" HOOKGUARD_RUNTIMES="{{runtimes}}" node --test runtimes.test.mjs

# The npm package in Node, Deno and Bun against JSON.parse + per-event ajv in the same runtime:
# validate(Uint8Array) on both captures, then the Fetch handler's requests/s under autocannon (for BENCHMARKS.md)
js-runtimes-bench megabytes="50": js
    #!/usr/bin/env bash
    set -euo pipefail
    capture=$PWD/target/bench/capture-{{megabytes}}MiB.ndjson
    varied=$PWD/target/bench/varied-{{megabytes}}MiB.ndjson
    mkdir -p target/bench
    [ -f "$capture" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$capture"
    [ -f "$varied" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$varied" --varied
    repo=$PWD
    app=$(mktemp -d)
    trap 'rm -rf "$app"' EXIT
    tarball=$(cd {{js_package}} && npm pack --silent --pack-destination "$app")
    cp {{js_package}}/test/runtimes/*.mjs {{js_package}}/test/runtimes/*.cjs {{js_package}}/test/runtimes/*.json "$app"/
    cd "$app"
    npm ci --no-audit --no-fund --loglevel=error
    npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball"
    echo "| runtime | capture | validate(Uint8Array) | JSON.parse + ajv (allErrors) | ratio | ajv (first error) | ratio |"
    echo "|---|---|---:|---:|---:|---:|---:|"
    for file in "$capture" "$varied"; do
      node bench-validate.mjs "$repo" "$file"
      node_modules/.bin/deno run -A bench-validate.mjs "$repo" "$file"
      node_modules/.bin/bun bench-validate.mjs "$repo" "$file"
    done
    HOOKGUARD_REPO="$repo" node bench-http.mjs "$capture"
    HOOKGUARD_REPO="$repo" node bench-http.mjs "$varied"

# (The venv, target/python-venv, has the package installed editable from crates/hookguard-py: the
# native extension built in place by maturin, hookguard.wasm copied beside it, so one install
# runs either backend, HOOKGUARD_BACKEND=native|wasm.)
# The Python package's two wheels in crates/hookguard-py/dist/: the platform one (the native
# extension, maturin) and the WebAssembly one (py3-none-any, hookguard.wasm under wasmtime)
python: plugin
    #!/usr/bin/env bash
    set -euo pipefail
    cp {{plugin}} {{python_package}}/python/hookguard/hookguard.wasm
    [ -x target/python-venv/bin/python ] || python3 -m venv target/python-venv
    target/python-venv/bin/pip install --quiet --disable-pip-version-check maturin==1.16.0
    target/python-venv/bin/pip install --quiet --disable-pip-version-check -e "{{python_package}}[test]"
    rm -rf {{python_package}}/dist
    target/python-venv/bin/maturin build --quiet --release --manifest-path {{python_package}}/Cargo.toml --out {{python_package}}/dist
    target/python-venv/bin/python -m build --wheel --outdir {{python_package}}/dist {{python_package}}/wasm-wheel >/dev/null
    ls {{python_package}}/dist/

# The Python package's tests, whole, against each backend (the native extension, then
# hookguard.wasm under wasmtime): the shared fixtures and answers, the receivers under their
# servers, the fleet on Redis; mypy --strict, the payload types up to date, and each wheel
# installed alone into a fresh virtual environment
python-test: python
    #!/usr/bin/env bash
    set -euo pipefail
    cd {{python_package}}
    ../../target/python-venv/bin/python scripts/generate_payloads.py --check
    for backend in native wasm; do
      echo "the Python suite on the $backend backend"
      HOOKGUARD_BACKEND=$backend ../../target/python-venv/bin/python -m pytest -q -p no:cacheprovider
    done
    ../../target/python-venv/bin/mypy
    smoke=$(mktemp -d)
    trap 'rm -rf "$smoke"' EXIT
    cp tests/installed_smoke.py "$smoke/"
    for wheel in dist/*.whl; do
      rm -rf "$smoke/venv"
      python3 -m venv "$smoke/venv"
      "$smoke/venv/bin/pip" install --quiet --disable-pip-version-check "$wheel"
      (cd "$smoke" && venv/bin/python installed_smoke.py "{{justfile_directory()}}/tests/fixtures/seeds/account/BOOK_VERIFIED.json" book.verified "$(basename "$wheel")")
    done
    # The example application, as python-example runs it.
    cd ../../host-examples/python && ../../target/python-venv/bin/python -m pytest -q -p no:cacheprovider test_app.py

# (What a user without a platform wheel but with a Rust toolchain does: pip builds the extension
# from the sdist, a few minutes; kept out of `test` for its time.)
# The Python sdist (maturin sdist) installed into a fresh virtual environment and smoke-tested
python-sdist: python
    #!/usr/bin/env bash
    set -euo pipefail
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    target/python-venv/bin/maturin sdist --manifest-path {{python_package}}/Cargo.toml --out "$scratch" 2>/dev/null
    python3 -m venv "$scratch/venv"
    "$scratch/venv/bin/pip" install --quiet --disable-pip-version-check "$scratch"/hookguard-*.tar.gz
    cp {{python_package}}/tests/installed_smoke.py "$scratch/"
    (cd "$scratch" && venv/bin/python installed_smoke.py "{{justfile_directory()}}/tests/fixtures/seeds/account/BOOK_VERIFIED.json" book.verified "$(basename "$scratch"/hookguard-*.tar.gz)")

# The example application (host-examples/python/app.py, FastAPI) under uvicorn over real HTTP
python-example: python
    cd host-examples/python && ../../target/python-venv/bin/python -m pytest -q -p no:cacheprovider test_app.py

# What the fleet's memory in Redis adds per delivery in Python, against the gate's own, in one run (for BENCHMARKS.md)
python-shared-bench deliveries="2000": python stores
    #!/usr/bin/env bash
    set -euo pipefail
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
    server=$!
    trap 'kill $server' EXIT
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    target/python-venv/bin/python {{python_package}}/bench/shared_cost.py "redis://127.0.0.1:$port" {{deliveries}}

# (Three captures: bench_capture's two and `--examples`, the Ocrolus examples' own shapes; each
# backend in its own process, the baselines measured again in each.)
# Python: hookguard.validate on each backend against json.loads/orjson.loads + python-jsonschema, fastjsonschema and jsonschema-rs per event; where a call's time goes; cold start (for BENCHMARKS.md)
python-bench megabytes="50" lines="20000": python
    #!/usr/bin/env bash
    set -euo pipefail
    mkdir -p target/bench
    captures=()
    for shape in kind varied examples; do
      file=$PWD/target/bench/$shape-{{megabytes}}MiB.ndjson
      [ "$shape" = kind ] && file=$PWD/target/bench/capture-{{megabytes}}MiB.ndjson
      flag=$([ "$shape" = kind ] && echo "" || echo "--$shape")
      [ -f "$file" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$file" $flag
      captures+=("$file")
    done
    target/python-venv/bin/pip install --quiet --disable-pip-version-check -e "{{python_package}}[test,bench]"
    cd {{python_package}}
    echo "| capture (lines) | backend | validate, valid read /s | validate, whole report read /s | json.loads + python-jsonschema /s | json.loads + fastjsonschema /s | json.loads + jsonschema-rs /s | orjson.loads + jsonschema-rs /s |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for file in "${captures[@]}"; do
      for backend in native wasm; do HOOKGUARD_BACKEND=$backend ../../target/python-venv/bin/python bench/throughput.py "$file" {{lines}}; done
    done
    for backend in native wasm; do HOOKGUARD_BACKEND=$backend ../../target/python-venv/bin/python bench/throughput.py --crossing; done

# Regenerate crates/hookguard-py/python/hookguard/payloads.py from schemas/
python-types:
    python3 {{python_package}}/scripts/generate_payloads.py

# Build the catalog and playground page into target/site (static: serve it from any server, or GitHub Pages)
site: js
    node site/build.mjs target/site

# The page in headless Chromium (puppeteer-core): every fixture through the playground, the catalog, no request after load; screenshots in target/site-screenshots
site-test: site browsers
    cd site && npm ci --no-audit --no-fund --loglevel=error && npm test

# The tower layer in axum against an axum handler doing serde_json + per-event jsonschema-rs: requests/s, p50 and p99 under wrk, on two captures (for BENCHMARKS.md)
tower-bench megabytes="10" seconds="10" rounds="2":
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v wrk >/dev/null; then \
      if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
      else echo "install Debian's wrk package for the load (sudo apt-get install wrk)"; exit 1; fi; \
    fi
    mkdir -p target/bench
    capture=target/bench/capture-{{megabytes}}MiB.ndjson
    varied=target/bench/varied-{{megabytes}}MiB.ndjson
    [ -f "$capture" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$capture"
    [ -f "$varied" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$varied" --varied
    cargo build --quiet --release -p hookguard-tower --example bench_server
    log=$(mktemp)
    target/release/examples/bench_server > "$log" &
    server=$!
    trap 'kill $server 2>/dev/null' EXIT
    for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.1; done
    base=$(head -1 "$log")
    echo "| capture | round | route | requests/s | p50 | p99 |"
    echo "|---|---:|---|---:|---:|---:|"
    for file in "$capture" "$varied"; do
      for round in $(seq {{rounds}}); do
        for route in baseline hookguard; do
          out=$(wrk -t1 -c16 -d{{seconds}}s --latency -s crates/hookguard-tower/bench/capture.lua "$base/$route" -- "$file")
          rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
          p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
          p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
          echo "| $(basename "$file") | $round | $route | $rps | $p50 | $p99 |"
        done
      done
    done
    echo "## the routes alone, in process (tower oneshot, one request at a time)"
    for file in "$capture" "$varied"; do echo "$(basename "$file"):"; target/release/examples/bench_server --in-process "$file"; done

# The core crate and the tower layer as crates.io would get them: `cargo package` builds each from its own files only
# Cargo verifies hookguard-tower against the hookguard it just packaged, as if from crates.io, and
# a crate from a registry is never rebuilt for changed sources: a build of it left in the target
# directory by an earlier run (a CI machine may keep one) would be used instead of today's core.
# `cargo clean -p` removes those debug builds (the path builds too: one crate to redo).
crate-package:
    cargo clean --quiet --profile dev -p hookguard -p hookguard-tower
    cargo package --quiet -p hookguard -p hookguard-tower --allow-dirty

# Regenerate the npm package's event payload types (events.d.ts) from schemas/
js-types:
    cd {{js_package}} && node scripts/generate-types.mjs

# (Every fixture through the ESM, CommonJS and web entries, the web build in headless Chromium,
# tsc on the declarations, and the example receiver in host-examples/node over real HTTP.)
# The npm package's tests and the Node example's
js-test: js browsers stores
    cd {{js_package}} && node scripts/generate-types.mjs --check && npm test
    cd host-examples/node && npm ci --no-audit --no-fund --loglevel=error && npm test

# The example webhook receiver on 127.0.0.1:3000 (host-examples/node)
receiver: js
    cd host-examples/node && npm ci --no-audit --no-fund --loglevel=error && node server.mjs

# validate(Buffer | string) in Node against JSON.parse + ajv per event on a generated capture, and a fresh process's cold start (for BENCHMARKS.md)
js-bench megabytes="50": js
    #!/usr/bin/env bash
    set -euo pipefail
    capture=target/bench/capture-{{megabytes}}MiB.ndjson
    mkdir -p target/bench
    [ -f "$capture" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$capture"
    cd {{js_package}} && node bench/throughput.mjs "../../../$capture" && node bench/cold-start.mjs

# The gateway filter in a real Envoy (installed by scripts/envoy) in front of a recording upstream
gateway-test: gateway stores cli
    cd host-examples/envoy && ENVOY="$(../../scripts/envoy --path)" HOOKGUARD_GATEWAY_WASM="$PWD/../../{{gateway}}" node --test test/*.test.mjs

# Envoy without a filter, with an empty wasm filter, and with hookguard's, under wrk: requests/s, p50/p99, memory per VM (for BENCHMARKS.md)
gateway-bench seconds="10" rounds="3": gateway (_module "hookguard-empty-filter" "target/empty-filter.wasm" "wasm" "-O3")
    if ! command -v wrk >/dev/null; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; fi
    cd host-examples/envoy && ENVOY="$(../../scripts/envoy --path)" HOOKGUARD_GATEWAY_WASM="$PWD/../../{{gateway}}" HOOKGUARD_EMPTY_FILTER_WASM="$PWD/../../target/empty-filter.wasm" node bench/gateway-bench.mjs {{seconds}} {{rounds}}

# What the delivery memory costs in Envoy: shared data, Redis through webdis, and unsigned, in one run (for BENCHMARKS.md)
delivery-bench seconds="5" rounds="3" concurrency="8": gateway stores
    cd host-examples/envoy && ENVOY="$(../../scripts/envoy --path)" HOOKGUARD_GATEWAY_WASM="$PWD/../../{{gateway}}" node bench/delivery-bench.mjs {{seconds}} {{rounds}} {{concurrency}}

# What the shared memory costs the Node receiver: request ids in the process and in Redis, in one run (for BENCHMARKS.md)
shared-bench seconds="5" rounds="3" concurrency="8": js stores
    cd host-examples/node && npm ci --no-audit --no-fund --loglevel=error && node bench/shared-bench.mjs {{seconds}} {{rounds}} {{concurrency}}

# (Valid, invalid, hostile and signed deliveries over CONNECTIONS; then: 0 5xx, 0 VM failures,
# every valid delivery upstream exactly once and byte-exact, no refused one, VM memory flat.)
# Soak the gateway filter in a real Envoy for SECONDS of mixed traffic (figures for RELIABILITY.md)
gateway-soak seconds="180" connections="16": gateway
    cd host-examples/envoy && ENVOY="$(../../scripts/envoy --path)" HOOKGUARD_GATEWAY_WASM="$PWD/../../{{gateway}}" node soak/soak.mjs {{seconds}} {{connections}}

# (Senders that retry every non-2xx, re-sign, send concurrent and late copies, through two gateways
# sharing Redis via webdis and a Python fleet (uvicorn, two workers) on the same Redis, a service
# failing 0-3 times per delivery, one gateway restarted and webdis stopped mid-run; then: none
# lost, none taken twice unless cut mid-request by the restart; drifted ones kept and replayed.)
# The delivery contract under load in two real Envoys and a Python fleet (figures for RELIABILITY.md)
delivery-soak deliveries="2000" senders="32" seed="7": gateway stores cli python
    cd host-examples/envoy && ENVOY="$(../../scripts/envoy --path)" HOOKGUARD_GATEWAY_WASM="$PWD/../../{{gateway}}" HOOKGUARD_PYTHON="$PWD/../../target/python-venv/bin/python" node soak/delivery-soak.mjs {{deliveries}} {{senders}} {{seed}}

# (scripts/fuzz: cargo-fuzz installed into .tools/, nightly if installed or else stable with
# RUSTC_BOOTSTRAP=1; regression fixtures replayed first; corpora grow in tests/fuzz/corpus/.)
# Fuzz one target (intake, validate, plugin_abi, signature) or all of them, SECONDS each
fuzz target="all" seconds="60":
    scripts/fuzz {{target}} {{seconds}}

# (Bodies of the smallest values there are, checked with the limit at its 8 MiB ceiling; sizes
# above it are shown refused at configuration. Needs /usr/bin/time.)
# Time and memory per body size in the native core, the command line, the npm package and Envoy
body-cost *sizes: cli js gateway
    cargo build --quiet --release -p hookguard --example body_cost
    scripts/body-cost {{sizes}}

# (With an overlay: `scripts/just envoy drift.overlay.json` runs the config scripts/gateway-config writes, strict.)
# Run Envoy with the shipped example config (listener :10000, admin :9901, upstream :8080)
envoy overlay="": gateway
    #!/usr/bin/env bash
    set -euo pipefail
    config=host-examples/envoy/envoy.yaml
    if [ -n "{{overlay}}" ]; then
      config=target/envoy-with-overlay.yaml
      scripts/gateway-config --overlay "{{overlay}}" --strict > "$config"
    fi
    scripts/envoy -c "$config" --concurrency 2

# (The sample holds invalid deliveries on purpose, so exit status 1, "some invalid", is expected.)
# The main job: validate the bundled sample capture through hookguard.wasm and print the report
sample: cli
    {{cli}} validate {{sample}} || [ $? -eq 1 ]

# Run the command line on anything: `just validate captures/ --strict`, `just validate - < x.ndjson`
validate *args: cli
    {{cli}} validate {{args}}

# Where each module's bytes go, by section and by crate (name section of the built modules)
sizes: plugin gateway js
    scripts/wasm-size target/wasm32-wasip1/wasm/hookguard_gateway.wasm
    scripts/wasm-size target/wasm32-wasip1/wasm/hookguard_plugin.wasm
    scripts/wasm-size target/wasm32-unknown-unknown/wasm/hookguard_js.wasm

# (valgrind's cachegrind: steady where timings on a shared machine are not; for comparing two
# builds of the core, run it on each.)
# Instructions per body of the native passes (parse, validate, normalize + report, survey) on the three captures
bench-instructions megabytes="10": (_captures megabytes)
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --quiet --release -p hookguard --example throughput
    for file in target/bench/{capture,varied,examples}-{{megabytes}}MiB.ndjson; do
      scripts/instructions target/release/examples/throughput "$file"
    done

# (`scripts/js-instructions CAPTURE BUILD_DIR...` compares other builds of the npm module.)
# Instructions per body of the npm package's validate and of JSON.parse + per-event ajv in Node, on the three captures
js-instructions megabytes="10": js (_captures megabytes)
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v valgrind >/dev/null; then apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; fi
    for file in target/bench/{capture,varied,examples}-{{megabytes}}MiB.ndjson; do
      scripts/js-instructions "$file" {{js_package}}/node ajv
    done

# The three generated captures of `megabytes` each (bench, varied, examples), made when missing
_captures megabytes:
    #!/usr/bin/env bash
    set -euo pipefail
    mkdir -p target/bench
    for shape in kind varied examples; do
      file=target/bench/$shape-{{megabytes}}MiB.ndjson
      [ "$shape" = kind ] && file=target/bench/capture-{{megabytes}}MiB.ndjson
      flag=$([ "$shape" = kind ] && echo "" || echo "--$shape")
      [ -f "$file" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$file" $flag
    done

# Throughput and start-up: a generated capture through wasmtime, the native core, plain parsing
bench megabytes="300": cli
    #!/usr/bin/env bash
    set -euo pipefail
    capture=target/bench/capture-{{megabytes}}MiB.ndjson
    mkdir -p target/bench
    [ -f "$capture" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$capture"
    varied=target/bench/varied-{{megabytes}}MiB.ndjson
    [ -f "$varied" ] || cargo run --quiet --release -p hookguard --example bench_capture -- {{megabytes}} "$varied" --varied
    cargo build --quiet --release -p hookguard --example throughput
    echo "## native, one thread, a capture of other shapes (bench_capture --varied)"
    target/release/examples/throughput "$varied" 2>/dev/null
    echo "## native, one thread"
    native=$(target/release/examples/throughput "$capture" | tee /dev/stderr | sed -n 's/^native validate: \([0-9]*\) payloads\/s$/\1/p')
    cache=target/bench/wasmtime-cache
    echo "## hookguard.wasm under wasmtime: the whole command line, NDJSON reports to /dev/null"
    # Exit status 1 means "some payloads invalid": the capture has ~11% on purpose.
    timings() { "$@" 2>&1 >/dev/null || [ $? -eq 1 ]; }
    for args in "--jobs 1" "--jobs 1 --normalized" "--jobs $(nproc) --normalized"; do
      out=$(timings {{cli}} --cache-dir "$cache" --timings validate $args --format ndjson --no-summary "$capture")
      rate=$(echo "$out" | sed -n 's/^timings: checked .* \([0-9]*\) payloads\/s, .*/\1/p')
      echo "validate $args: $rate payloads/s, $(awk "BEGIN { printf \"%.2f\", $rate / $native }")x of native Validator::validate (target for --jobs 1: >= 0.7x)"
      echo "$out" | sed -n 's/^timings: workers/  workers/p'
    done
    echo "## survey -j1 against validate -j1, same capture, same run (target >= 0.8x)"
    for file in "$capture" "$varied"; do
      rate_of() { timings {{cli}} --cache-dir "$cache" --timings "$@" "$file" | sed -n 's/^timings: checked .* \([0-9]*\) payloads\/s, .*/\1/p'; }
      validated=$(rate_of validate --jobs 1 --format ndjson --no-summary)
      surveyed=$(rate_of survey --jobs 1 --format json)
      echo "$(basename "$file"): survey $surveyed payloads/s, validate $validated payloads/s: $(awk "BEGIN { printf \"%.2f\", $surveyed / $validated }")x"
    done
    echo "## start-up: module load (code cache warm) + one ready instance, 5 runs"
    for _ in 1 2 3 4 5; do
      timings {{cli}} --cache-dir "$cache" --timings validate --jobs 1 -q {{sample}} | sed -n 's/^timings: module load/module load/p'
    done
    echo "## cold start (no code cache)"
    timings {{cli}} --no-cache --timings validate --jobs 1 -q {{sample}} | sed -n 's/^timings: module load/module load/p'
    echo "## sizes"
    echo "hookguard.wasm: $(stat -c %s {{plugin}}) bytes ($(gzip -9c {{plugin}} | wc -c) gzipped); hookguard binary: $(stat -c %s {{cli}}) bytes"
