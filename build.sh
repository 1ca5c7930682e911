#!/usr/bin/env bash
# pagesim build script. Each command installs only what is missing on a fresh machine.
#
#   ./build.sh setup    install the wasm32 target, wasm-bindgen CLI, npm test tools, Chromium, Firefox, WebKit
#   ./build.sh build    build the WebAssembly package into www/pkg/ (and the native CLI)
#   ./build.sh serve    build, then serve www/ on http://127.0.0.1:8000 (no service worker there)
#   ./build.sh dist     build, then dist/pagesim/ and dist/pagesim-VERSION.zip: the folder to upload
#   ./build.sh test     every test: native cargo test, wasm API tests, browser tests (Chromium; Firefox, WebKit)
#   ./build.sh bench    print throughput figures (native and wasm) and render time per frame
#   ./build.sh accept   rewrite the golden files under tests/golden/ after an intended change
#   ./build.sh fuzz [T] run the cargo-fuzz targets (nightly; FUZZ_SECONDS each, default 600)
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"
TOOLS="$ROOT/.tools"
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"
# Keep Chromium and friends from writing under ~.
export XDG_CONFIG_HOME="$ROOT/.cache/xdg-config"
export XDG_CACHE_HOME="$ROOT/.cache/xdg-cache"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

# The CLI must match the wasm-bindgen crate exactly, so read the pinned version from Cargo.toml.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)"
PORT="${PORT:-8000}"

# Each step says when it started (seconds since the script did): where a run's time goes.
log() { printf '\033[1m==> [%4ds] %s\033[0m\n' "$SECONDS" "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

setup_rust() {
  setup_wasm_target
  setup_wasm_bindgen
}

setup_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

setup_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into .tools/ (about a minute)"
    # No --locked: a dependency version in its lockfile is missing from the registry mirror.
    # --debug: unoptimised, it builds in half the time (70 s instead of 146 on 2 cores, 114 CPU
    # seconds instead of 263) and writes byte-identical modules; it takes 0.5 s a module instead
    # of 0.1, and the test runner 1.8 s instead of 0.8.
    cargo install --debug wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$TOOLS"
  fi
}

setup_node() {
  # Test and build tools only (binaryen's wasm-opt, playwright-core); reinstall when the lockfile changes.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-copy; then
    log "npm ci (test tools)"
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.lock-copy
  fi
}

# Debian packages, installed only when one of the commands is missing: apt_install "CMD…" PKG…
apt_install() {
  local cmd missing=
  for cmd in $1; do command -v "$cmd" >/dev/null || missing=1; done
  [ -z "$missing" ] && return 0
  shift
  log "installing Debian $*"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y "$@" >/dev/null ||
    { as_root apt-get update >/dev/null && as_root apt-get install -y "$@" >/dev/null; }
}

setup_chromium() { apt_install "chromium chromedriver" chromium chromium-driver; }

# All three engines of the browser tests, in one apt run (two at once would wait on apt's lock):
# Chromium, Firefox ESR (driven over WebDriver BiDi by puppeteer-core) and WebKitGTK's
# MiniBrowser (driven by WebKitWebDriver, under Xvfb).
setup_browsers() {
  apt_install "chromium chromedriver firefox-esr WebKitWebDriver xvfb-run" \
    chromium chromium-driver firefox-esr webkit2gtk-driver libwebkit2gtk-4.1-0 xvfb
}

# fmt and clippy gate the tests: installed when the toolchain lacks them.
setup_lints() {
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    log "adding rustfmt and clippy"
    rustup component add rustfmt clippy
  fi
}

setup() {
  setup_rust
  setup_node
}

# The folder a course uploads: www/ with the service worker on, the version and build hash in the
# footer, an .htaccess for Apache hosts; and the same as a zip.
dist() {
  build
  log "dist/: the page as a folder and a zip"
  rm -rf dist
  node tools/dist.mjs dist "$ROOT/dist/pagesim"
  echo "    try it: node tools/serve.mjs dist/pagesim 8001  (then http://127.0.0.1:8001/, offline after one visit)"
}

# The modules must not depend on where they were built: panic messages name source files, so the
# cargo registry and the checkout are remapped to fixed names (a longer CARGO_HOME once made the
# page's module bigger, and it published the builder's paths).
REMAP="--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=crates --remap-path-prefix=$ROOT=pagesim"

# One WebAssembly module: `cargo` features $1, profile $2, wasm-opt level $4 → www/pkg/$3.js and
# $3_bg.wasm; $5 (optional) adds target features (`simd128`).
build_module() {
  local features="$1" profile="$2" name="$3" opt="$4" target_features="${5:-}"
  RUSTFLAGS="$REMAP${target_features:+ -C target-feature=+$target_features}" \
    cargo build --lib --profile "$profile" --target wasm32-unknown-unknown --no-default-features --features "$features"
  wasm-bindgen --target web --remove-name-section --out-name "$name" --out-dir www/pkg \
    "target/wasm32-unknown-unknown/$profile/pagesim.wasm"
  # binaryen from npm (pinned in package.json); Debian's old wasm-opt breaks the module.
  # The module owns a fresh, zero-filled memory: wasm-opt may drop zero bytes from its data.
  # (No --converge: on the page's module it took 34 s instead of 9 to save 0.1% of its bytes.)
  wasm-opt "$opt" --zero-filled-memory --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue ${target_features:+--enable-simd} \
    "www/pkg/${name}_bg.wasm" -o "www/pkg/${name}_bg.opt.wasm"
  mv "www/pkg/${name}_bg.opt.wasm" "www/pkg/${name}_bg.wasm"
  printf '    www/pkg/%s_bg.wasm: %s bytes\n' "$name" "$(wc -c < "www/pkg/${name}_bg.wasm")"
}

build_wasm() {
  log "building the WebAssembly modules"
  rm -rf www/pkg
  # The page's module (the simulator, links, presets) and the trace worker's (replays, curves):
  # the page never loads trace code it does not use.
  # Each compiles the crate on one core (codegen-units=1): built side by side, they use both.
  # Each profile has its own build directory, so the builds do not wait on each other's lock.
  mkdir -p www/pkg
  background module-page build_module page wasm-small pagesim -Oz
  # The trace module reads tens of megabytes of text: SIMD (every browser since 2023) makes the
  # newline search and parsing a quarter faster.
  background module-trace build_module traces wasm pagesim_trace -O3 simd128
  background module-compare build_module compare wasm-compare pagesim_compare -O3
  finish module-page
  finish module-trace
  finish module-compare
  # wasm-bindgen points Symbol.dispose at `free`, which is the SPEC's free(pid, addr) on a
  # Simulator; point it at dispose() instead. Fail loudly if the generated line ever changes.
  local dispose='Simulator.prototype\[Symbol.dispose\] = Simulator.prototype.free;'
  grep -q "$dispose" www/pkg/pagesim.js || { echo "build.sh: the Symbol.dispose line of the glue changed" >&2; exit 1; }
  sed -i "s/$dispose/Simulator.prototype[Symbol.dispose] = Simulator.prototype.dispose;/" www/pkg/pagesim.js
  # The build's version and hash (the footer) and the files the service worker caches.
  node tools/dist.mjs info www
}

build() {
  setup
  build_wasm
  log "building the native CLI"
  cargo build --release --bin pagesim
}

serve() {
  build
  log "serving www/ on http://127.0.0.1:$PORT (Ctrl-C to stop)"
  exec node tools/serve.mjs www "$PORT"
}

# Runs "$@" in the background, its output in .cache/NAME.log; `finish NAME` waits for it and
# shows the log if it failed.
declare -A BACKGROUND=()
background() {
  local name="$1"
  shift
  mkdir -p "$ROOT/.cache"
  "$@" > "$ROOT/.cache/$name.log" 2>&1 &
  BACKGROUND[$name]=$!
}
finish() {
  if ! wait "${BACKGROUND[$1]}"; then
    cat "$ROOT/.cache/$1.log" >&2
    echo "build.sh: $1 failed" >&2
    exit 1
  fi
  cat "$ROOT/.cache/$1.log"
}

run_tests() {
  setup_wasm_target
  setup_node
  # The installs that take minutes on a fresh machine (the wasm-bindgen CLI compiles, Chromium
  # downloads) go on in the background while the lints and native tests run: cargo leaves a core
  # idle in the serial parts of a build, and the installs fill it.
  background wasm-bindgen setup_wasm_bindgen
  background browsers setup_browsers
  setup_lints
  log "cargo fmt --check"
  cargo fmt --check
  log "clippy (native and wasm32)"
  cargo clippy --all-targets --quiet -- -D warnings
  # The modules' features are additive: one pass over all of them lints every module's code.
  cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features page,traces,compare --quiet -- -D warnings
  # Tests build with debug assertions and overflow checks on (profile `checked`: optimised a little).
  log "native tests (cargo test, checks on)"
  cargo test --profile checked --quiet
  finish wasm-bindgen
  build_wasm
  # The tests that compare the page with the command line use the CLI the native tests built.
  export PAGESIM_CLI="$ROOT/target/checked/pagesim"
  # Firefox's and WebKit's runs of the feature list (about 60 s, one after the other) go on in the
  # background while the wasm and JavaScript API tests run: those leave a core mostly idle.
  finish browsers
  background engines node --test --test-concurrency=1 tests/browser/firefox.test.mjs tests/browser/webkit.test.mjs
  if compgen -G "tests/wasm*.rs" >/dev/null; then
    log "wasm API tests (wasm-bindgen-test under node)"
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
      cargo test --profile checked --target wasm32-unknown-unknown --no-default-features --features page,traces,compare --test 'wasm*'
  fi
  log "JavaScript API tests (node: history, memory and hostile-argument cases)"
  node --test --test-concurrency=1 tests/node/
  log "JavaScript unit tests (node: the page's pure modules)"
  node --test tests/js/
  log "browser tests (headless Chromium: every file)"
  # Two files at a time (a browser each: 86 s for the suite instead of 120); the file that
  # measures long tasks and frame times runs alone afterwards, on a quiet machine.
  local files=() timing=tests/browser/scale.test.mjs f
  for f in tests/browser/*.test.mjs; do
    case "$f" in "$timing" | tests/browser/firefox.test.mjs | tests/browser/webkit.test.mjs) ;; *) files+=("$f") ;; esac
  done
  node --test --test-concurrency=2 "${files[@]}"
  log "browser tests (Firefox and WebKit: the feature list, run in the background since the wasm tests)"
  finish engines
  node --test "$timing"
  log "all tests passed"
}

bench() {
  setup
  setup_chromium
  build_wasm
  log "benchmark: native and wasm throughput, render time per frame"
  node tools/bench.mjs
}

# Fuzzing (not part of `test`: it runs for minutes): each target of fuzz/ with the nightly
# toolchain for FUZZ_SECONDS (default 600), from the saved inputs of fuzz/regressions/. A crash
# leaves its input in fuzz/artifacts/TARGET/: fix the bug, then copy the input into
# fuzz/regressions/TARGET/ so that `./build.sh test` checks it from then on (tests/fuzz_regressions.rs).
fuzz() {
  setup_rust
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --root "$TOOLS"
  local targets=("${@:-scenario link trace engine}")
  for t in ${targets[*]}; do
    log "fuzzing $t for ${FUZZ_SECONDS:-600} s"
    mkdir -p "fuzz/corpus/$t"
    (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" "regressions/$t" -- \
      -max_total_time="${FUZZ_SECONDS:-600}" -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1)
  done
}

accept() {
  log "rewriting golden files"
  PAGESIM_ACCEPT=1 cargo test --release --quiet --test golden
  git status --short tests/golden
}

case "${1:-}" in
  setup) setup; setup_browsers ;;
  build) build ;;
  serve) serve ;;
  dist) dist ;;
  test) run_tests ;;
  bench) bench ;;
  accept) accept ;;
  fuzz) shift; fuzz "$@" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
