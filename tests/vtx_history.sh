#!/usr/bin/env bash
# vtx_history.sh: witc on real-world WIT from the reference shelf and on the bundled package.
#
#   tests/vtx_history.sh [WITC]       (default: build/witc; shelf: $WITC_SHARED or ../shared)
#
# - the 17 valid contents of corpus/vtx-history are accepted, silently;
# - the 4 -INVALID ones are rejected (exit 1) with the reference's message and line:col as
#   listed in corpus/vtx-history/INDEX.md;
# - the 5 WASI 0.2 package directories in corpus/wasi resolve with their deps/;
# - the bundled vtx:api packages check, with their worlds (plugin, vtx-plugin).
# The last line is `N passed, N failed[, N skipped]`.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-${WITC:-$root/build/witc}}
witc=$(realpath "$witc")
shared=${WITC_SHARED:-$root/../shared}
shared=$(realpath -m "$shared")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  echo "FAIL $1"
  [[ -s $tmp/err ]] && sed 's/^/    /' "$tmp/err" | head -8
}
run() { timeout 60 "$witc" "$@" >"$tmp/out" 2>"$tmp/err"; }

echo "vtx_history: bundled packages"
run check && [[ ! -s $tmp/err ]] && ok || bad "witc check (bundled default) exit $?"
run check --world plugin && ok || bad "witc check --world plugin"
run check --protocol 5.0.0 --world vtx-plugin && ok || bad "witc check --protocol 5.0.0 --world vtx-plugin"
run check --protocol 2.2.1 --world vtx-plugin
[[ $? == 1 ]] && grep -q '^error: ' "$tmp/err" && ok || bad "world vtx-plugin must not exist in 2.2.1"
run check --protocol 9.9.9
[[ $? == 2 ]] && ok || bad "unknown --protocol must exit 2"

index=$shared/corpus/vtx-history/INDEX.md
if [[ ! -f $index ]]; then
  echo "SKIP: vtx_history: the vtx-history and WASI corpora are not under $shared/corpus (the"
  echo "  reference shelf ../shared is not beside this checkout; set WITC_SHARED=<shelf>)"
  echo "$passed passed, $failed failed, 1 skipped"
  [[ $failed == 0 ]]
  exit
fi

echo "vtx_history: corpus/vtx-history"
valid=0 invalid=0
# Table rows: | NN | `dir` | repo | ... | verdict |
while IFS= read -r row; do
  dir=$(sed -E 's/^\| [0-9]+ \| `([^`]+)`.*/\1/' <<<"$row")
  verdict=$(awk -F' \\| ' '{print $NF}' <<<"$row" | sed -E 's/ *\|$//')
  file=$shared/corpus/vtx-history/$dir/wit/vtx.wit
  if [[ $verdict == valid ]]; then
    valid=$((valid + 1))
    run check "$file"
    rc=$?
    [[ $rc == 0 && ! -s $tmp/err ]] && ok || bad "$dir: expected valid, exit $rc"
    continue
  fi
  invalid=$((invalid + 1))
  # **invalid**: `msg` at **L:C** ...   or   **invalid**: ``msg with `ticks` `` at **L:C**
  msg=$(sed -E 's/^\*\*invalid\*\*: (.*) at \*\*[0-9]+:[0-9]+\*\*.*/\1/' <<<"$verdict")
  loc=$(sed -E 's/.* at \*\*([0-9]+:[0-9]+)\*\*.*/\1/' <<<"$verdict")
  msg=$(sed -E 's/^``?//; s/``?$//; s/^ +//; s/ +$//' <<<"$msg")
  run check "$file"
  rc=$?
  line1=$(sed -n 1p "$tmp/err")
  line2=$(sed -n 2p "$tmp/err")
  if [[ $rc == 1 && $line1 == "error: $msg" && $line2 == "     --> $file:$loc" ]]; then
    ok
  else
    bad "$dir: expected exit 1 with 'error: $msg' at $loc; got exit $rc"
  fi
done < <(grep -E '^\| [0-9]{2} \| `' "$index")
echo "vtx_history: $valid valid and $invalid invalid contents listed"
[[ $valid == 17 && $invalid == 4 ]] && ok || bad "INDEX.md: expected 17 valid and 4 invalid rows"

echo "vtx_history: corpus/wasi"
for p in cli clocks filesystem http io; do
  d=$shared/corpus/wasi/$p/wit
  if [[ ! -d $d ]]; then
    echo "SKIP: vtx_history: wasi/$p: $d not found"
    skipped=$((skipped + 1))
    continue
  fi
  run check "$d"
  rc=$?
  [[ $rc == 0 && ! -s $tmp/err ]] && ok || bad "wasi/$p: expected valid, exit $rc"
done

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed == 0 ]]
