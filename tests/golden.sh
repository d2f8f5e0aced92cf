#!/usr/bin/env bash
# golden.sh: `witc check` on every fixture in testdata/check/ against its expectations.
#
#   tests/golden.sh [WITC]          (default: build/witc; WITC_BLESS=1 rewrites expectations)
#
# A case is a file testdata/check/<case>.wit or a directory testdata/check/<case>/ (a
# package directory, with deps/ if it likes). Beside it:
#   <case>.stderr   the exact expected stderr (empty for a valid input)
#   <case>.exit     the expected exit code (0, 1 or 2)
#   <case>.args     optional: extra arguments for `witc check`, on one line
# Paths are handed to witc relative to the repository root (testdata/check/<case>...), so
# the expectations show them that way. Prints `N passed, N failed` last.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-${WITC:-$root/build/witc}}
witc=$(realpath "$witc")
dir=testdata/check
bless=${WITC_BLESS:-0}

cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0 blessed=0
for input in "$dir"/*.wit "$dir"/*/; do
  [[ -e $input ]] || continue
  input=${input%/}
  case=${input%.wit}
  name=${case#"$dir"/}
  args=()
  if [[ -f $case.args ]]; then read -r -a args <"$case.args"; fi

  timeout 60 "$witc" check "${args[@]}" "$input" >"$tmp/out" 2>"$tmp/err"
  rc=$?

  if [[ $bless == 1 ]]; then
    cp "$tmp/err" "$case.stderr"
    echo "$rc" >"$case.exit"
    blessed=$((blessed + 1))
    continue
  fi
  if [[ ! -f $case.stderr || ! -f $case.exit ]]; then
    echo "FAIL $name: no expectation ($name.stderr/.exit; run with WITC_BLESS=1 and review)"
    failed=$((failed + 1))
    continue
  fi
  want_rc=$(<"$case.exit")
  if [[ $rc != "$want_rc" ]] || ! cmp -s "$tmp/err" "$case.stderr"; then
    echo "FAIL $name: exit $rc (expected $want_rc)"
    diff -u --label "$name.stderr (expected)" --label "stderr (witc)" "$case.stderr" "$tmp/err" | sed 's/^/    /' | head -40
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
done

if [[ $bless == 1 ]]; then
  echo "golden: blessed $blessed cases in $dir (review the diff before committing)"
  exit 0
fi
echo "golden: testdata/check"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
