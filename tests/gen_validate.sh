#!/usr/bin/env bash
# gen_validate.sh: the reference toolchain checks the core modules built from `witc gen c`.
#
# For the bundled vtx:api worlds, the WASI worlds and testdata/gen/*.wit (legacy and
# standard32 names): generate the bindings, add stubs for every export that also call every
# import (tests/gen_stubs.mjs), link a freestanding wasm32 core module with clang + wasm-ld,
# then embed the world's WIT and create the component with jco's wasm-tools
# (componentEmbed + componentNew, which validates every core import and export name and
# signature against the world); then run the tests/e2e guests freestanding (see the end). Prints
# `N passed, N failed`; exit 1 on failure.
#
# Usage: tests/gen_validate.sh [WITC]   (jco: ../shared/oracle/setup.sh, or tests/e2e's npm ci;
# without either, or without Node.js, it prints a `SKIP:` line saying why and passes nothing;
# without the shelf it skips the WASI worlds, also on a `SKIP:` line)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
WITC="${1:-${WITC:-$root/build/witc}}"
SHARED="${WITC_SHARED:-$root/../shared}"
COMPONENTIZE="$SHARED/oracle/e2e/componentize.mjs"
out="$(mktemp -d "${TMPDIR:-/tmp}/witc-val.XXXXXX")"
trap 'rm -rf "$out"' EXIT
pass=0
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

oracle_home="${WIT_ORACLE_HOME:-$HOME/.cache/wit-oracle}"
E2E="$root/tests/e2e"
# componentize CORE WIT WORLD OUTDIR: embed + new (validating), with the reference checker's
# jco when it is set up, else with tests/e2e's pinned copy of the same jco.
if command -v node >/dev/null && [ -f "$COMPONENTIZE" ] && [ -d "$oracle_home/node_modules/@bytecodealliance/jco" ]; then
  componentize() { node "$COMPONENTIZE" "$1" "$2" "$3" "$4/component.wasm"; }
elif command -v node >/dev/null && [ -f "$E2E/node_modules/@bytecodealliance/jco/package.json" ]; then
  componentize() { node "$E2E/lib/build.mjs" "$1" "$2" "$3" "$4" --adapter none; }
else
  # Nothing is validated: say so on a SKIP: line (tests/run_all.sh lists the stage as skipped).
  if ! command -v node >/dev/null; then
    echo "SKIP: gen_validate: node (Node.js) is not installed; jco, the reference validator, runs in it"
  else
    echo "SKIP: gen_validate: no jco to validate with (run $SHARED/oracle/setup.sh, or tests/e2e.sh once)"
  fi
  echo "gen_validate: not run: 0 passed, 0 failed"
  exit 0
fi

# validate NAME WITPATH WORLD MANGLING [witc args...]
validate() {
  local name="$1" wit="$2" world="$3" mangling="$4"
  shift 4
  local d="$out/$(echo "$name" | tr ' /:' '___')"
  mkdir -p "$d"
  if ! "$WITC" gen c -o "$d" --mangling "$mangling" "$@" >"$d/log" 2>&1; then
    bad "$name: witc gen c"; head -5 "$d/log"; return
  fi
  local h base
  h="$(ls "$d"/*.h | head -1)"
  base="$(basename "$h" .h)"
  node "$here/gen_stubs.mjs" "$d" "$base" "$mangling" || { bad "$name: stubs"; return; }
  if ! clang --target=wasm32 -ffreestanding -nostdlib -DWITC_FREESTANDING -O1 \
    -Wall -Wextra -Werror -Wno-unused-parameter -Wl,--no-entry -Wl,--export=__heap_base \
    -o "$d/core.wasm" "$d/$base.c" "$d/${base}_stubs.c" >"$d/log" 2>&1; then
    bad "$name: link"; head -10 "$d/log"; return
  fi
  if componentize "$d/core.wasm" "$wit" "$world" "$d" >"$d/log" 2>&1; then
    pass=$((pass + 1))
  else
    bad "$name: componentize"; head -5 "$d/log"
  fi
}

[ -d "$SHARED/corpus/wasi" ] ||
  echo "SKIP: gen_validate: the WASI worlds: $SHARED/corpus/wasi not found (the reference shelf ../shared is not beside this checkout; set WITC_SHARED=<shelf>)"
for m in legacy standard32; do
  validate "vtx 2.2.1 $m" "$root/wit/2.2.1" plugin "$m" --protocol 2.2.1
  validate "vtx 5.0.0 $m" "$root/wit/5.0.0" vtx-plugin "$m" --protocol 5.0.0
  for pkg in "$SHARED"/corpus/wasi/*/wit; do
    [ -d "$pkg" ] || continue
    pname="$(basename "$(dirname "$pkg")")"
    for w in $(sed -n 's/^[[:space:]]*world[[:space:]]\+\([a-z0-9-]\+\).*/\1/p' "$pkg"/*.wit | sort -u); do
      validate "wasi $pname/$w $m" "$pkg" "$w" "$m" --world "$w" "$pkg"
    done
  done
  for f in "$root"/testdata/gen/*.wit; do
    n="$(basename "$f" .wit)"
    [ "$n" = fixed ] && continue # fixed-length lists: the reference validator gates them
    for w in $(sed -n 's/^[[:space:]]*world[[:space:]]\+\([a-z0-9-]\+\).*/\1/p' "$f" | sort -u); do
      validate "testdata $n/$w $m" "$f" "$w" "$m" --world "$w" "$f"
    done
  done
done

# Freestanding at run time: the C guests of tests/e2e on fresh bindings built with
# -DWITC_FREESTANDING, so every allocation goes through the generated allocator (libc's is
# replaced by testdata/gen/guests/free_shim.c, which puts malloc on cabi_realloc), run by the
# JavaScript hosts of tests/e2e (which check every value and that each call leaves the heap where
# it was). tests/e2e.sh runs the same guests on the default (libc) allocator.
if [ -f "$E2E/node_modules/@bytecodealliance/jco/package.json" ]; then
  for n in types resources fixed vtx; do
    g="$E2E/$n/guest.c"
    [ -f "$g" ] && [ -f "$E2E/$n/host.mjs" ] || continue
    if [ "$n" = vtx ]; then wit="$root/wit/2.2.1/vtx.wit" world=plugin; else wit="$E2E/$n/world.wit" world="$n"; fi
    [ -f "$wit" ] || continue
    d="$out/free-$n"
    mkdir -p "$d"
    if ! "$WITC" gen c -o "$d/gen" --world "$world" "$wit" >"$d/log" 2>&1; then
      bad "freestanding $n: witc gen c"; head -5 "$d/log"; continue
    fi
    if ! clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -DWITC_FREESTANDING -O2 \
      -Wall -Wextra -Werror -I "$d/gen" -I "$E2E/lib" -o "$d/core.wasm" "$g" "$d/gen/$world.c" \
      "$root/testdata/gen/guests/free_shim.c" >"$d/log" 2>&1; then
      bad "freestanding $n: build"; head -10 "$d/log"; continue
    fi
    if ! node "$E2E/lib/build.mjs" "$d/core.wasm" "$wit" "$world" "$d" --name "$n" >"$d/log" 2>&1; then
      bad "freestanding $n: componentize"; tail -5 "$d/log"; continue
    fi
    if E2E_QUIET=1 node "$E2E/$n/host.mjs" "$d/js" "$n" >"$d/log" 2>&1 &&
      grep -q '^[0-9]* passed, 0 failed$' "$d/log"; then
      pass=$((pass + 1))
    else
      bad "freestanding $n: run ($(grep -E '^[0-9]+ passed' "$d/log" | tail -1))"; grep -v '^ok ' "$d/log" | head -10
    fi
  done
else
  echo "SKIP: gen_validate: the freestanding runs: tests/e2e/node_modules is not installed (tests/e2e.sh installs it)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
