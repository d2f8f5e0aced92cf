#!/usr/bin/env bash
# rules.sh: one fixture per front-end rule (testdata/rules/<rule>.wit). Each <rule>.ref holds
# the reference's message for that input, recorded from the reference checker
# (../shared/oracle/wit-check.mjs --parse-only --features active, wit-parser 0.259), so these
# expectations come from the reference, not from witc. A fixture without .ref must be valid.
# Usage: tests/rules.sh WITC
set -u
witc=${1:?usage: rules.sh WITC}
here=$(cd "$(dirname "$0")/.." && pwd)
pass=0 fail=0
for wit in "$here"/testdata/rules/*.wit; do
  name=$(basename "$wit" .wit)
  ref="${wit%.wit}.ref"
  err=$("$witc" check --features active "$wit" 2>&1 >/dev/null)
  rc=$?
  if [ -f "$ref" ]; then
    want=$(cat "$ref")
    got=$(printf '%s\n' "$err" | head -n 1)
    got=${got#error: }
    if [ $rc -eq 1 ] && [ "$got" = "$want" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      printf 'FAIL %s (exit %d)\n  want: %s\n  got:  %s\n' "$name" "$rc" "$want" "$got"
    fi
  elif [ $rc -eq 0 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    printf 'FAIL %s: expected valid, exit %d: %s\n' "$name" "$rc" "$(printf '%s' "$err" | head -n 1)"
  fi
done
echo "rules: $pass passed, $fail failed"
[ $fail -eq 0 ]
