#!/usr/bin/env bash
# conformance.sh: witc against wit-parser's conformance corpus (shared/corpus/wit-parser-ui,
# driven by its MANIFEST.tsv; docs/wit-language.md §8.4).
#
#   tests/conformance.sh [WITC]       (default: build/witc)
#
# The corpus is read from the reference shelf: $WITC_SHARED, else ../shared beside the
# repository. Every case runs as `witc check --features active tests/ui/<case>` from a
# scratch directory whose tests/ui is a symlink to the corpus, so paths in messages are
# exactly the expected ones.
#
# Gates (exit 1 when missed):
#   level 0: accept/reject matches on every case except the two that need a wasm decoder;
#   level 1: the first error line (without "error: " and the directory-context prefixes)
#            equals MANIFEST column 8 on >= 95% of the failing cases; mismatches are listed.
# Level 2, also gated: the whole rendering of the first diagnostic equals <case>.wit.result
# (every case: a regression in the snippet layout fails the harness).
# Any crash, timeout or sanitizer report fails the case. The last line is
# `N passed, N failed, N skipped` (a failing case passes when its verdict, first line and
# full rendering all match).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-${WITC:-$root/build/witc}}
witc=$(realpath "$witc")
shared=${WITC_SHARED:-$root/../shared}
corpus=$shared/corpus/wit-parser-ui
timeout_s=${WITC_TIMEOUT:-30}

echo "conformance: wit-parser-ui corpus"
if [[ ! -f $corpus/MANIFEST.tsv ]]; then
  echo "SKIP: conformance: the wit-parser-ui corpus is not at $corpus (the reference shelf"
  echo "  ../shared is not beside this checkout; set WITC_SHARED=<shelf> to run it)"
  echo "conformance: not run: 0 passed, 0 failed (the whole corpus skipped)"
  exit 0
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/tests"
ln -s "$(realpath "$corpus")" "$scratch/tests/ui"

# Skipped by name: they need a wasm decoder (text-only front end).
declare -A skip=(
  [kinds-of-deps]="its deps/ holds d.wat and e.wasm: needs a wasm decoder"
  [simple-wasm-text.wat]="a WIT package encoded as a wasm component: needs a wasm decoder"
)

strip_prefixes() {
  sed -E -e '1s/^error: //' \
    -e '1s/^failed to resolve directory while parsing WIT for path \[[^]]*\]: //' \
    -e '1s/^failed to parse package: [^:]*: //'
}

passed=0 failed=0 skipped=0
verdict_ok=0 verdict_bad=0 fail_cases=0 first_ok=0 full_ok=0
mismatches=()
render_bad=()
# MANIFEST.tsv has empty columns: turn tabs into a non-blank separator so `read` keeps them.
while IFS=$'\x1f' read -r expect case kind expfile present needs features first; do
  [[ $expect == \#* || -z $expect ]] && continue
  if [[ -n ${skip[$case]:-} ]]; then
    echo "SKIP $case: ${skip[$case]}"
    skipped=$((skipped + 1))
    continue
  fi
  (cd "$scratch" && timeout "$timeout_s" "$witc" check --features active "tests/ui/$case") \
    >"$scratch/out" 2>"$scratch/err"
  rc=$?
  first_line=$(head -n1 "$scratch/err")
  problem=""
  if ((rc >= 124)); then
    problem="crashed or timed out (exit $rc)"
  elif grep -qE 'Sanitizer|runtime error:' "$scratch/err"; then
    problem="sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$scratch/err")"
  fi

  if [[ $expect == pass ]]; then
    if [[ -z $problem && $rc == 0 ]]; then
      verdict_ok=$((verdict_ok + 1))
      passed=$((passed + 1))
    else
      verdict_bad=$((verdict_bad + 1))
      failed=$((failed + 1))
      echo "FAIL $case: expected success, got exit $rc${problem:+: $problem}: $first_line"
    fi
    continue
  fi

  fail_cases=$((fail_cases + 1))
  if [[ -n $problem || $rc != 1 ]]; then
    verdict_bad=$((verdict_bad + 1))
    failed=$((failed + 1))
    echo "FAIL $case: expected exit 1, got exit $rc${problem:+: $problem}: $first_line"
    continue
  fi
  verdict_ok=$((verdict_ok + 1))
  got=$(strip_prefixes <"$scratch/err" | head -n1)
  if [[ $got == "$first" ]]; then
    first_ok=$((first_ok + 1))
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    mismatches+=("$case"$'\n'"      expected: $first"$'\n'"      got:      $got")
  fi
  # Level 2: the whole rendering, trimmed, as the upstream runner compares it.
  if [[ -f $corpus/$expfile ]]; then
    want=$(sed -e 's/\r$//' "$corpus/$expfile")
    # Only the first diagnostic: witc keeps going after a syntax error, the reference stops.
    have=$(awk 'NR > 1 && /^(error|warning|info): / { exit } { print }' "$scratch/err" |
      sed -e '1s/^error: //')
    if [[ $want == "$have" ]]; then
      full_ok=$((full_ok + 1))
    else
      render_bad+=("$case")
      # The case passed level 1 above only if its first line matched; count it failed now.
      [[ $got == "$first" ]] && passed=$((passed - 1)) && failed=$((failed + 1))
    fi
  fi
done < <(tr '\t' '\037' <"$corpus/MANIFEST.tsv")

if ((${#render_bad[@]})); then
  echo "full-rendering mismatches (${#render_bad[@]}): ${render_bad[*]}"
fi
if ((${#mismatches[@]})); then
  echo "first-line mismatches (${#mismatches[@]}):"
  for m in "${mismatches[@]}"; do echo "  $m"; done
fi

total=$((verdict_ok + verdict_bad))
pct=0
((fail_cases)) && pct=$((first_ok * 1000 / fail_cases))
echo "level 0 accept/reject: $verdict_ok/$total match"
echo "level 1 first error line: $first_ok/$fail_cases match ($((pct / 10)).$((pct % 10))%, gate 95%)"
echo "level 2 full rendering of the first diagnostic: $full_ok/$fail_cases identical (gated: all)"
echo "$passed passed, $failed failed, $skipped skipped"
((verdict_bad == 0 && pct >= 950 && ${#render_bad[@]} == 0))
