#!/usr/bin/env bash
# install.sh: `cmake --install` of the build that made WITC into a scratch prefix, then
# `witc wit-path` from the build tree and from the installed copy, the man page and the
# bash completion script.
#
#   tests/install.sh [WITC]           (default: build/witc; its directory is the build dir)
#
# The last line is `N passed, N failed`.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-${WITC:-$root/build/witc}}
witc=$(realpath "$witc")
build=$(dirname "$witc")
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

passed=0 failed=0
check() { # check DESCRIPTION command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $what"
  fi
}

echo "install: cmake --install $build --prefix <scratch>"
check "cmake --install" bash -c "cmake --install '$build' --prefix '$prefix' >/dev/null"

# From the build tree: the source tree's wit/<version>.
for v in 2.2.1 5.0.0; do
  check "wit-path --protocol $v (build tree)" \
    test "$("$witc" wit-path --protocol "$v")" = "$(realpath "$root/wit/$v")"
done

# Installed: <prefix>/share/witc/wit/<version>, holding what wit-show prints.
inst=$prefix/bin/witc
check "installed binary runs" bash -c "'$inst' --version >/dev/null"
for v in 2.2.1 5.0.0; do
  dir=$("$inst" wit-path --protocol "$v")
  check "wit-path --protocol $v (installed) = $dir" test "$dir" = "$(realpath "$prefix/share/witc/wit/$v")"
  check "installed $v/vtx.wit = wit-show" cmp -s "$dir/vtx.wit" <("$inst" wit-show --protocol "$v")
done
check "check from the installed binary" "$inst" check --protocol 5.0.0

# A copy of the binary with no installed tree beside it: exit 2 and a clear message.
mkdir -p "$prefix/x/elsewhere" && cp "$inst" "$prefix/x/elsewhere/witc"
"$prefix/x/elsewhere/witc" wit-path >/dev/null 2>"$prefix/err"
rc=$?
check "wit-path without an installed tree exits 2 with an error" \
  bash -c "[[ $rc == 2 ]] && grep -q '^error: ' '$prefix/err'"

# Man page and completion, generated from the option tables.
check "man page installed" test -s "$prefix/share/man/man1/witc.1"
if command -v man >/dev/null 2>&1; then
  check "man page renders" bash -c "MANWIDTH=80 man -l '$prefix/share/man/man1/witc.1' 2>&1 | grep -q 'witc check'"
fi
comp=$prefix/share/bash-completion/completions/witc
check "bash completion installed and valid" bash -n "$comp"
check "completion offers check's options" bash -c "
  source '$comp'
  COMP_WORDS=(witc check --all); COMP_CWORD=2; _witc
  [[ \${COMPREPLY[*]} == --all-features ]]"
check "completion offers commands" bash -c "
  source '$comp'
  COMP_WORDS=(witc wit-); COMP_CWORD=1; _witc
  [[ \${COMPREPLY[*]} == 'wit-path wit-show' ]]"
check "completion offers protocol versions" bash -c "
  source '$comp'
  COMP_WORDS=(witc check --protocol ''); COMP_CWORD=3; _witc
  [[ \${COMPREPLY[*]} == '2.2.1 5.0.0' ]]"

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
