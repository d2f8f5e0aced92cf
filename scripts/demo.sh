#!/usr/bin/env bash
# demo.sh: what `make demo` shows: a VTX plugin written in C, from the bundled vtx:api WIT
# to a component that runs.
#
#   scripts/demo.sh [WITC [OUTDIR]]        (make demo: WITC=build/witc, OUTDIR=build/demo)
#
# 1. witc check                  the bundled vtx:api package (protocol 2.2.1, world `plugin`)
# 2. witc gen c -o OUTDIR/gen    its C bindings: plugin.h, plugin.c
# 3. clang --target=wasm32-wasi  examples/vtx-plugin/plugin.c + the bindings -> a core module
# 4. jco (npm)                   componentEmbed + componentNew: the reference toolchain turns the
#                                core module into a component, validating every import and
#                                export against the world (tests/e2e/lib/build.mjs); then
#                                transpile, so that Node.js can host it
# 5. node                        examples/vtx-plugin/host.mjs calls the plugin's exports once,
#                                with `sql` and `stream-io` faked in JavaScript
# Steps whose tools are missing (clang's wasm32-wasi support, Node.js >= 18, npm) are skipped
# with a message saying what to install; the others still run. Exit 0 when no step that ran
# failed, 1 otherwise.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WITC=${1:-$ROOT/build/witc}
OUT=${2:-$(dirname "$WITC")/demo}
CC=${CC:-clang}
NODE=${NODE:-node}
case "$WITC" in /*) ;; *) WITC="$PWD/$WITC" ;; esac
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
EX="$ROOT/examples/vtx-plugin"
E2E="$ROOT/tests/e2e"

rel() { case "$1" in "$ROOT"/*) printf '%s' "${1#"$ROOT"/}" ;; *) printf '%s' "$1" ;; esac; }
FAILED=0 SKIPPED=()
step() { printf '\n%s\n' "$*"; }
cmd() { # prints a command the way a user would type it (paths relative to the checkout)
  local out=() a
  for a in "$@"; do out+=("$(rel "$a")"); done
  printf '   $ %s\n' "${out[*]}"
}
say() { printf '   %s\n' "$@"; }
indent() { sed 's/^/   | /'; }
fail() { FAILED=1; say "FAILED: $1"; }
skip() { SKIPPED+=("$1"); say "skipped: $1"; }
kib() { echo "$(( ($(wc -c < "$1") + 1023) / 1024 )) KiB"; }

if [ ! -x "$WITC" ]; then
  echo "demo: $WITC is not built (run make build)" >&2
  exit 2
fi
rm -rf "$OUT"
mkdir -p "$OUT"
echo "witc demo: a VTX plugin in C, from the bundled vtx:api WIT to a running component"
echo "($("$WITC" --version 2>&1 | head -1); everything is written to $(rel "$OUT")/)"

# ---- 1. check
step "1. Check the bundled vtx:api package (protocol 2.2.1, the one built into witc)"
cmd "$WITC" check --world plugin
if msg=$("$WITC" check --world plugin 2>&1); then
  say "valid: no diagnostics, exit 0 (witc wit-show prints the WIT it checked)"
else
  printf '%s\n' "$msg" | indent
  fail "witc check found errors in the bundled package"
fi

# ---- 2. generate
step "2. Generate the C bindings for the world \`plugin\`"
GEN="$OUT/gen"
cmd "$WITC" gen c -o "$GEN"
if msg=$("$WITC" gen c -o "$GEN" 2>&1); then
  [ -z "$msg" ] || printf '%s\n' "$msg" | indent
  say "$(rel "$GEN")/plugin.h ($(wc -l < "$GEN/plugin.h") lines): the types, the imports to call, the exports to implement"
  say "$(rel "$GEN")/plugin.c ($(wc -l < "$GEN/plugin.c") lines): the canonical-ABI glue (compile it with your code)"
  GEN_OK=1
else
  printf '%s\n' "$msg" | indent
  fail "witc gen c"
  GEN_OK=0
fi

# ---- 3. compile
step "3. Compile the example plugin ($(rel "$EX")/plugin.c) into a wasm32 core module"
CORE="$OUT/plugin.core.wasm"
WASI_FLAGS=(--target=wasm32-wasi --sysroot=/usr -mexec-model=reactor)
CFLAGS=(-O2 -Wall -Wextra -Werror)
CORE_OK=0
wasm_ok() { # can $CC build a wasm32-wasi reactor that uses libc?
  command -v "$CC" >/dev/null 2>&1 || { WASM_WHY="$CC: not found"; return 1; }
  local d="$OUT/.probe"
  mkdir -p "$d"
  printf '#include <stdio.h>\nint f(char *b, int n) { return snprintf(b, 8, "%%d", n); }\n' > "$d/p.c"
  if ! WASM_WHY=$("$CC" "${WASI_FLAGS[@]}" -o "$d/p.wasm" "$d/p.c" 2>&1); then
    WASM_WHY="$CC cannot build for wasm32-wasi: $(printf '%s\n' "$WASM_WHY" | grep -m1 -i 'error' || printf '%s' "$WASM_WHY" | head -1)"
    rm -rf "$d"
    return 1
  fi
  rm -rf "$d"
}
if [ "$GEN_OK" = 0 ]; then
  skip "compile: no bindings (step 2 failed)"
elif wasm_ok; then
  cmd "$CC" "${WASI_FLAGS[@]}" "${CFLAGS[@]}" -I "$GEN" -o "$CORE" "$EX/plugin.c" "$GEN/plugin.c"
  if msg=$("$CC" "${WASI_FLAGS[@]}" "${CFLAGS[@]}" -I "$GEN" -o "$CORE" "$EX/plugin.c" "$GEN/plugin.c" 2>&1); then
    CORE_OK=1
    v=""
    if command -v wasm-validate >/dev/null 2>&1; then
      if wasm-validate "$CORE" >/dev/null 2>&1; then v=", wasm-validate: ok"; else v=", wasm-validate: INVALID"; CORE_OK=0; fi
    fi
    say "$(rel "$CORE"): $(kib "$CORE")$v (a reactor: no main; the exports come from the bindings)"
    [ "$CORE_OK" = 1 ] || fail "the core module does not validate"
  else
    printf '%s\n' "$msg" | head -20 | indent
    fail "compiling the plugin"
  fi
else
  say "$WASM_WHY"
  skip "the wasm32 toolchain is missing: install clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (Debian: sudo apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
  # What can still be shown: the plugin compiles against the generated header natively.
  HOSTCC=$(command -v cc || command -v gcc || true)
  if [ -n "$HOSTCC" ]; then
    cmd "$HOSTCC" -std=c17 "${CFLAGS[@]}" -I "$GEN" -c "$EX/plugin.c" "$GEN/plugin.c"
    if msg=$(cd "$OUT" && "$HOSTCC" -std=c17 "${CFLAGS[@]}" -I "$GEN" -c "$EX/plugin.c" "$GEN/plugin.c" 2>&1); then
      say "instead: plugin.c and the bindings compile natively with $(basename "$HOSTCC") (a check only: a native build cannot run as a plugin)"
    else
      printf '%s\n' "$msg" | head -20 | indent
      fail "compiling the plugin natively"
    fi
  fi
fi

# ---- Node.js and jco, for steps 4 and 5
node_ok() {
  if ! command -v "$NODE" >/dev/null 2>&1; then
    NODE_WHY="Node.js is not installed: install Node.js >= 18 (and npm), then run make demo again"
    return 1
  fi
  local major
  major=$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ! [ "$major" -ge 18 ] 2>/dev/null; then
    NODE_WHY="Node.js $("$NODE" --version 2>/dev/null) is too old: install Node.js >= 18"
    return 1
  fi
  local want have
  want=$("$NODE" -p "require('$E2E/package-lock.json').packages['node_modules/@bytecodealliance/jco'].version" 2>/dev/null)
  have=$("$NODE" -p "require('$E2E/node_modules/@bytecodealliance/jco/package.json').version" 2>/dev/null)
  [ -n "$have" ] && [ "$have" = "$want" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    NODE_WHY="npm is not installed: it installs jco $want, pinned by tests/e2e/package-lock.json"
    return 1
  fi
  say "installing jco $want with npm ci in tests/e2e (pinned by its package-lock.json)"
  if ! msg=$(cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    printf '%s\n' "$msg" | tail -5 | indent
    NODE_WHY="npm ci failed in tests/e2e (is the npm registry reachable?)"
    return 1
  fi
}

# ---- 4. componentize
step "4. Make it a component with the reference toolchain (jco: componentEmbed + componentNew)"
say "witc cannot wrap a core module into a component yet; jco (npm) does this one step,"
say "and its wit-component validates every core import and export against the world."
COMP="$OUT/component"
COMP_OK=0
if [ "$CORE_OK" = 0 ]; then
  skip "componentize: no core module (step 3 did not build one)"
elif ! node_ok; then
  skip "$NODE_WHY"
else
  "$WITC" wit-show > "$OUT/vtx.wit"
  cmd "$WITC" wit-show ">" "$OUT/vtx.wit"
  cmd "$NODE" "$E2E/lib/build.mjs" "$CORE" "$OUT/vtx.wit" plugin "$COMP" --name plugin
  if msg=$("$NODE" "$E2E/lib/build.mjs" "$CORE" "$OUT/vtx.wit" plugin "$COMP" --name plugin 2>&1); then
    COMP_OK=1
    wit="$COMP/component.wit"
    imports=$(grep -o 'import vtx:api/[a-z-]*' "$wit" | sed 's/^import //' | paste -sd, - | sed 's/,/, /g')
    nwasi=$(grep -c 'import wasi:' "$wit")
    exports=$(grep -o 'export [a-z-]*' "$wit" | sed 's/^export //' | paste -sd, - | sed 's/,/, /g')
    say "$(rel "$COMP")/component.wasm: $(kib "$COMP/component.wasm"), valid; its world (component.wit):"
    say "  imports $imports (+ $nwasi wasi:* interfaces, from wasi-libc through the preview1 adapter)"
    say "  exports $exports"
  else
    printf '%s\n' "$msg" | head -20 | indent
    fail "componentize (the reference rejected the core module)"
  fi
fi

# ---- 5. run
step "5. Call the plugin's exports from a host (Node.js; sql and stream-io faked in JavaScript)"
if [ "$COMP_OK" = 0 ]; then
  skip "run: no component (step 4 did not build one)"
else
  cmd "$NODE" "$EX/host.mjs" "$COMP/js"
  if ! "$NODE" "$EX/host.mjs" "$COMP/js" 2>&1 | indent; then
    fail "the host did not get the answers it expected"
  fi
fi

echo
if [ "$FAILED" = 1 ]; then
  echo "demo: FAILED (see above)"
  exit 1
elif [ ${#SKIPPED[@]} -gt 0 ]; then
  echo "demo: done, with ${#SKIPPED[@]} step(s) skipped for missing tools (see above)."
else
  echo "demo: done. The same steps by hand: examples/vtx-plugin/README.md; the generated C: docs/gen-c.md."
fi
exit 0
