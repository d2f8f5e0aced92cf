#!/usr/bin/env bash
# json_corpus.sh: `witc json` against wit-parser's conformance corpus, byte for byte.
#
# For every case the corpus expects to resolve, runs `witc json --features active
# tests/ui/<case>` from a scratch directory where tests/ui is the corpus (the paths the
# reference used), and compares the output with <case>.wit.json after trimming leading and
# trailing whitespace on both sides and CRLF -> LF (as the upstream runner does). The two
# cases that need a wasm decoder are skipped by name.
#
# Usage: tests/json_corpus.sh [WITC]      (default: build/witc)
# The corpus is ../shared/corpus/wit-parser-ui relative to the repository (or
# $WITC_SHARED/corpus/wit-parser-ui). Set VERBOSE=1 to see every case.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-$repo/build/witc}
shared=${WITC_SHARED:-$repo/../shared}
corpus=$shared/corpus/wit-parser-ui

if [ ! -f "$corpus/MANIFEST.tsv" ]; then
  echo "SKIP: json corpus: the wit-parser-ui corpus is not at $corpus (the reference shelf"
  echo "  ../shared is not beside this checkout; set WITC_SHARED=<shelf> to run it)"
  echo "json corpus: not run: 0 passed, 0 failed (the whole corpus skipped)"
  exit 0
fi
case $witc in /*) ;; *) witc=$PWD/$witc ;; esac
if [ ! -x "$witc" ]; then
  echo "json corpus: $witc is not an executable (build witc first)" >&2
  exit 2
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/witc-json.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/run/tests" "$scratch/out"
ln -s "$corpus" "$scratch/run/tests/ui"

# Whitespace-trimmed, CRLF-normalized copy of a file ($1 -> $2).
trim() {
  local text
  text=$(tr -d '\r' <"$1")
  text=${text#"${text%%[![:space:]]*}"}
  text=${text%"${text##*[![:space:]]}"}
  printf '%s\n' "$text" >"$2"
}

pass=0 fail=0 skip=0
failed_cases=()
while IFS=$'\t' read -r expect case kind expected _present needs _rest; do
  [ "$expect" = pass ] || continue
  case $case in
  kinds-of-deps | simple-wasm-text.wat)
    skip=$((skip + 1))
    echo "SKIP $case: needs a wasm decoder ($needs), which witc does not have"
    continue
    ;;
  esac
  got=$scratch/out/got want=$scratch/out/want err=$scratch/out/err
  (cd "$scratch/run" && "$witc" json --features active "tests/ui/$case") >"$got.raw" 2>"$err"
  rc=$?
  if [ $rc -ne 0 ]; then
    fail=$((fail + 1))
    failed_cases+=("$case")
    echo "FAIL $case: witc json exited $rc: $(head -n 1 "$err")"
    continue
  fi
  trim "$got.raw" "$got"
  trim "$corpus/$expected" "$want"
  if cmp -s "$got" "$want"; then
    pass=$((pass + 1))
    [ -n "${VERBOSE:-}" ] && echo "ok   $case"
  else
    fail=$((fail + 1))
    failed_cases+=("$case")
    line=$(cmp "$got" "$want" 2>/dev/null | sed -n 's/.* line \([0-9]*\).*/\1/p')
    echo "FAIL $case ($kind): first difference at line ${line:-?}"
    diff -U 2 "$want" "$got" | sed -n '3,14p' | sed 's/^/     /'
  fi
done <"$corpus/MANIFEST.tsv"

echo "json corpus: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
