#!/usr/bin/env bash
# e2e.sh: end-to-end runtime tests of the C bindings that `witc gen c` writes.
#
# Usage: tests/e2e.sh [--keep] [--only raw|gen|gen32|genfs] WITC [NAME...]
#
# For each test world tests/e2e/<NAME>/ (types, resources, fixed, vtx, vtx5, wrap) and each guest it has:
#   gen  guest.c on the bindings of `WITC gen c --world W -o DIR WIT` (needs a witc with gen c)
#   gen32  the same with `--mangling standard32` (the cm32p2 core names)
#   genfs  the same built freestanding: --target=wasm32 -nostdlib -DWITC_FREESTANDING, no libc,
#          the bindings' own allocator (guests marked "e2e: freestanding"; lib/rt.h)
#   raw  raw.c, the same guest written by hand against the raw canonical ABI (no witc): the
#        control that proves the pipeline and the host independently of the generator
# the script
#   1. compiles the guest, tests/e2e/lib/heap.c (heap accounting) and the generated .c with
#      clang --target=wasm32-wasi -mexec-model=reactor -Wall -Wextra -Werror (a reactor: no main,
#      _initialize; every export comes from an export_name attribute in the C sources);
#   2. embeds the world's WIT and makes a component with jco 1.35.0's bundled wasm-tools and its
#      wasi_snapshot_preview1 reactor adapter, which validates every core import and export
#      against the world (tests/e2e/lib/build.mjs), then transpiles it to JavaScript;
#   3. runs tests/e2e/<NAME>/host.mjs in Node.js: it provides the imports, calls every export and
#      checks each answer, what the guest passed to the imports, and the guest's heap.
# The last line is `N passed, M failed` over all value checks (a run that fails before its host
# runs counts as one failure). Exit 0 when nothing failed.
#
# Skips (a `SKIP: e2e: <why>` line, then `e2e: not run: 0 passed, 0 failed`, exit 0; run_all.sh
# then lists the stage as skipped): no node or npm; the npm packages cannot be installed; the
# wasm toolchain (Debian: clang lld wasi-libc libclang-rt-14-dev-wasm32) is missing. A WITC that
# is missing or has no `gen c` yet skips only the gen guests (also a `SKIP:` line).
#
# Environment: E2E_OUT (build directory, default build/e2e, emptied unless --keep), CC (clang),
# NODE (node), E2E_VERBOSE=1 (print every check, not only failures).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
E2E="$ROOT/tests/e2e"
CC=${CC:-clang}
NODE=${NODE:-node}
OUT=${E2E_OUT:-$ROOT/build/e2e}
KEEP=0 ONLY= WITC=
NAMES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --only) ONLY=${2:?--only raw|gen|gen32|genfs}; shift ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "e2e.sh: unknown option $1" >&2; exit 2 ;;
    *) if [ -z "$WITC" ]; then WITC=$1; else NAMES+=("$1"); fi ;;
  esac
  shift
done
[ -n "$WITC" ] || { echo "usage: tests/e2e.sh [--keep] [--only raw|gen|gen32|genfs] WITC [NAME...]" >&2; exit 2; }
case "$WITC" in /*) ;; *) WITC="$PWD/$WITC" ;; esac

# A skip says what was not proven on a line starting with "SKIP:" (tests/run_all.sh lists the
# stage as skipped, not passed) and closes with a count that says nothing ran.
skip() { echo "SKIP: e2e: $*"; echo "e2e: not run: 0 passed, 0 failed"; exit 0; }

# ---- prerequisites
command -v "$NODE" >/dev/null 2>&1 || skip "node (Node.js >= 18) is not installed; the component host runs in Node.js"
command -v npm >/dev/null 2>&1 || skip "npm is not installed; it installs the pinned jco (tests/e2e/package-lock.json)"
major=$("$NODE" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$major" -ge 18 ] 2>/dev/null || skip "Node.js $("$NODE" --version 2>/dev/null) is too old; need >= 18"

# The npm packages: installed by `npm ci` in tests/e2e (scripts/setup.sh, or here on first use);
# reinstalled when the installed jco is not the locked one.
jco_version() { "$NODE" -p "require('$1').$2" 2>/dev/null; }
want_jco=$(jco_version "$E2E/package-lock.json" "packages['node_modules/@bytecodealliance/jco'].version")
have_jco=$(jco_version "$E2E/node_modules/@bytecodealliance/jco/package.json" version)
if [ -z "$have_jco" ] || [ "$have_jco" != "$want_jco" ]; then
  echo "e2e: npm ci in tests/e2e (jco $want_jco, pinned by package-lock.json)"
  if ! msg=$(cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    printf '%s\n' "$msg" | tail -5 | sed 's/^/   | /'
    skip "npm ci failed in tests/e2e (is the npm registry reachable?)"
  fi
fi

WASI_FLAGS=(--target=wasm32-wasi --sysroot=/usr -mexec-model=reactor)
CFLAGS=("${WASI_FLAGS[@]}" -O2 -Wall -Wextra -Werror)
FS_CFLAGS=(--target=wasm32 -O2 -nostdlib -ffreestanding -DWITC_FREESTANDING -Wall -Wextra -Werror -Wl,--no-entry)
HEAP_WRAP=(-Wl,--wrap=malloc -Wl,--wrap=free -Wl,--wrap=calloc -Wl,--wrap=realloc
           -Wl,--wrap=aligned_alloc -Wl,--wrap=posix_memalign)
[ "$KEEP" = 1 ] || rm -rf "$OUT"
mkdir -p "$OUT"
probe="$OUT/.probe"
mkdir -p "$probe"
printf '#include <stdlib.h>\n#include <string.h>\nvoid *p(size_t n) { return memset(malloc(n), 0, n); }\n' > "$probe/p.c"
if ! command -v "$CC" >/dev/null 2>&1; then
  skip "wasm toolchain missing: no $CC (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
fi
if ! msg=$("$CC" "${CFLAGS[@]}" -o "$probe/p.wasm" "$probe/p.c" 2>&1); then
  printf '%s\n' "$msg" | head -5 | sed 's/^/   | /'
  skip "wasm toolchain missing: $CC cannot build a wasm32-wasi reactor (Debian: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
fi
HAVE_VALIDATE=0
command -v wasm-validate >/dev/null 2>&1 && HAVE_VALIDATE=1

GEN_OK=1 GEN_WHY=
if [ ! -x "$WITC" ]; then
  GEN_OK=0 GEN_WHY="$WITC is not built"
elif ! "$WITC" gen c --help >/dev/null 2>&1; then
  GEN_OK=0 GEN_WHY="$WITC has no working 'gen c' yet"
fi

# ---- the worlds: NAME WIT WORLD
VTX_WIT="$ROOT/wit/2.2.1/vtx.wit"
[ -f "$VTX_WIT" ] || VTX_WIT="$ROOT/../shared/corpus/vtx-history/09_1.2.6_b46781d/wit/vtx.wit"
VTX5_WIT="$ROOT/wit/5.0.0/vtx.wit"
[ -f "$VTX5_WIT" ] || VTX5_WIT="$ROOT/../shared/corpus/vtx-history/20_1.2.6_540efba/wit/vtx.wit"
WORLDS=(
  "types $E2E/types/world.wit types"
  "resources $E2E/resources/world.wit resources"
  "fixed $E2E/fixed/world.wit fixed"
  "vtx $VTX_WIT plugin"
  "vtx5 $VTX5_WIT vtx-plugin"
  "wrap $E2E/wrap/world.wit wrap"
)

PASSED=0 FAILED=0
SUMMARY=()
note() { SUMMARY+=("$1"); echo "$1"; }

# run_one NAME WIT WORLD VARIANT: builds and runs one guest; adds to PASSED/FAILED.
run_one() {
  local name=$1 wit=$2 world=$3 variant=$4
  local d="$OUT/$name/$variant" src msg stage
  rm -rf "$d"; mkdir -p "$d"
  local -a srcs=("$E2E/lib/heap.c") incs=(-I "$E2E/lib") cflags=("${CFLAGS[@]}" "${HEAP_WRAP[@]}") adapter=(--adapter reactor)
  if [ "$variant" = genfs ]; then
    srcs=("$E2E/lib/freestanding.c") cflags=("${FS_CFLAGS[@]}") adapter=(--adapter none)
  fi
  if [ "$variant" != raw ]; then
    src="$E2E/$name/guest.c"
    stage=generate
    local -a mangling=()
    [ "$variant" = gen32 ] && mangling=(--mangling standard32)
    if ! msg=$("$WITC" gen c "${mangling[@]}" --world "$world" -o "$d/gen" "$wit" 2>&1); then
      fail_run "$name/$variant" "$stage" "$msg"; return
    fi
    if [ -n "$msg" ]; then                 # notes (renames): kept, shown with E2E_VERBOSE=1
      printf '%s\n' "$msg" > "$d/witc.log"
      [ "${E2E_VERBOSE:-0}" = 1 ] && sed 's/^/   witc: /' "$d/witc.log"
    fi
    local c
    for c in "$d"/gen/*.c; do [ -f "$c" ] && srcs+=("$c"); done
    incs+=(-I "$d/gen")
  else
    src="$E2E/$name/raw.c"
  fi
  stage=compile
  if ! msg=$("$CC" "${cflags[@]}" "${incs[@]}" -o "$d/core.wasm" "$src" "${srcs[@]}" 2>&1); then
    fail_run "$name/$variant" "$stage" "$msg"; return
  fi
  if [ "$HAVE_VALIDATE" = 1 ] && ! msg=$(wasm-validate "$d/core.wasm" 2>&1); then
    fail_run "$name/$variant" validate "$msg"; return
  fi
  stage=componentize
  if ! msg=$("$NODE" "$E2E/lib/build.mjs" "$d/core.wasm" "$wit" "$world" "$d" --name "$name" "${adapter[@]}" 2>&1); then
    fail_run "$name/$variant" "$stage" "$msg"; return
  fi
  local log="$d/host.log" rc p f
  if [ "${E2E_VERBOSE:-0}" = 1 ]; then
    "$NODE" "$E2E/$name/host.mjs" "$d/js" "$name" > "$log" 2>&1; rc=$?
  else
    E2E_QUIET=1 "$NODE" "$E2E/$name/host.mjs" "$d/js" "$name" > "$log" 2>&1; rc=$?
  fi
  local last
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  if [ -z "$last" ]; then
    fail_run "$name/$variant" run "$(tail -20 "$log")"; return
  fi
  p=${last%% passed*}; f=${last#*passed, }; f=${f%% failed*}
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [ "$rc" = 0 ] && [ "$f" = 0 ]; then
    note "PASS $name/$variant: $p checks"
    [ "${E2E_VERBOSE:-0}" = 1 ] && sed 's/^/   /' "$log"
  else
    [ "$f" = 0 ] && FAILED=$((FAILED + 1))   # the host failed without failing a check
    note "FAIL $name/$variant: $p passed, $f failed (log: $log)"
    grep -v '^ok ' "$log" | head -40 | sed 's/^/   | /'
  fi
}
fail_run() {
  FAILED=$((FAILED + 1))
  note "FAIL $1 at $2"
  printf '%s\n' "$3" | head -25 | sed 's/^/   | /'
}

echo "e2e: $("$CC" --version | head -1); node $("$NODE" --version); jco $("$NODE" -p "require('$E2E/node_modules/@bytecodealliance/jco/package.json').version")"
[ "$GEN_OK" = 1 ] || echo "SKIP: e2e: the gen guests: $GEN_WHY"
for entry in "${WORLDS[@]}"; do
  read -r name wit world <<<"$entry"
  if [ ${#NAMES[@]} -gt 0 ] && [[ " ${NAMES[*]} " != *" $name "* ]]; then continue; fi
  [ -d "$E2E/$name" ] || continue
  if [ ! -f "$wit" ]; then note "FAIL $name: no WIT at $wit"; FAILED=$((FAILED + 1)); continue; fi
  echo "== $name: world $world of ${wit#"$ROOT"/}"
  for variant in raw gen gen32 genfs; do
    [ -z "$ONLY" ] || [ "$ONLY" = "$variant" ] || continue
    if [ "$variant" = raw ] && [ ! -f "$E2E/$name/raw.c" ]; then continue; fi
    if [ "$variant" != raw ]; then
      [ -f "$E2E/$name/guest.c" ] || continue
      if [ "$variant" = genfs ] && ! grep -q 'e2e: freestanding' "$E2E/$name/guest.c"; then continue; fi
      if [ "$GEN_OK" = 0 ]; then note "SKIP $name/$variant: $GEN_WHY"; continue; fi
    fi
    run_one "$name" "$wit" "$world" "$variant"
  done
done

# The bundled defaults: `witc gen c` without PATH (and with --protocol 5.0.0) must write the same
# bindings as for the bundled vtx:api files.
for entry in "vtx 2.2.1" "vtx5 5.0.0"; do
  read -r name version <<<"$entry"
  [ "$GEN_OK" = 1 ] && [ -d "$OUT/$name/gen/gen" ] || continue
  d="$OUT/$name/gen-default"
  rm -rf "$d"
  if msg=$("$WITC" gen c --protocol "$version" -o "$d" 2>&1) && diff -r "$OUT/$name/gen/gen" "$d" >/dev/null 2>&1; then
    PASSED=$((PASSED + 1)); note "PASS $name/default: 'witc gen c --protocol $version' without PATH = the bundled file"
  else
    FAILED=$((FAILED + 1)); note "FAIL $name/default: 'witc gen c --protocol $version' without PATH differs from the bundled file"
    { printf '%s\n' "$msg"; diff -r "$OUT/$name/gen/gen" "$d" 2>&1; } | head -10 | sed 's/^/   | /'
  fi
done

echo "== summary"
for s in "${SUMMARY[@]}"; do echo "   $s"; done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
