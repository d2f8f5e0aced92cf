#!/usr/bin/env bash
# demo.sh: what `make demo` shows: witc checking the bundled vtx:api packages.
#   scripts/demo.sh [WITC]
set -uo pipefail
witc=${1:-build/witc}

step() { printf '\n$ %s\n' "$*"; "$@"; local rc=$?; printf '(exit %d)\n' "$rc"; return $rc; }

rc=0
echo "witc demo: the bundled vtx:api package (the file vtx-protocol 2.2.1 ships, world 'plugin')"
step "$witc" --version || rc=1
step "$witc" check --world plugin || rc=1
echo "-> valid: no diagnostics, exit 0"
step "$witc" check --protocol 5.0.0 --world vtx-plugin || rc=1
echo "-> the newest release (5.0.0, world 'vtx-plugin') is valid too"
printf '\n$ %s wit-show | head -n 12\n' "$witc"
"$witc" wit-show | head -n 12
step "$witc" wit-path
echo
echo "And an error, as the reference reports it (a package version must be full SemVer):"
printf '$ printf '\''package vtx:api@1;\\n'\'' | %s check -\n' "$witc"
printf 'package vtx:api@1;\n' | "$witc" check -
printf '(exit %d)\n' "$?"
exit $rc
