#!/usr/bin/env bash
# robustness.sh: hostile inputs to `witc check`. Each must end with exit 1 or 2 and an
# `error:` line on stderr: never a crash (exit >= 128), a hang (killed by timeout), a
# sanitizer report, or a silent success.
#
#   tests/robustness.sh [WITC]        (default: build/witc; WITC_TIMEOUT=seconds per case)
#
# The last line is `N passed, N failed[, N skipped]`.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-${WITC:-$root/build/witc}}
witc=$(realpath "$witc")
timeout_s=${WITC_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

passed=0 failed=0 skipped=0

# expect_error NAME [witc check args...]: exit 1 or 2, an `error:` line, nothing else odd.
# stdin is $IN (default /dev/null).
expect_error() {
  local name=$1
  shift
  local start=$SECONDS
  timeout "$timeout_s" "$witc" check "$@" >out 2>err <"${IN:-/dev/null}"
  local rc=$?
  local why=""
  if ((rc == 124)); then
    why="hung (killed after ${timeout_s}s)"
  elif ((rc >= 128)); then
    why="crashed (exit $rc)"
  elif ((rc == 0)); then
    why="silent success (exit 0)"
  elif ((rc != 1 && rc != 2)); then
    why="unexpected exit $rc"
  elif grep -qE 'Sanitizer|runtime error:' err; then
    why="sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' err)"
  elif ! grep -q '^error: ' err; then
    why="no 'error:' line on stderr"
  fi
  if [[ -n $why ]]; then
    failed=$((failed + 1))
    echo "FAIL $name: $why"
    head -c 600 err | head -n 5 | sed 's/^/    /'
  else
    passed=$((passed + 1))
    echo "ok   $name: exit $rc in $((SECONDS - start))s: $(head -c 160 err | head -n1)"
  fi
}

skip() {
  skipped=$((skipped + 1))
  echo "SKIP $1: $2"
}

# n copies of string s, without a trailing newline.
repeat() { local s=$1 n=$2; head -c $((${#s} * n)) < <(yes "$s" | tr -d '\n'); }

echo "robustness: hostile inputs"

# Binary garbage: the first 64 KiB of the witc executable (deterministic per build).
head -c 65536 "$witc" >garbage.wit
expect_error "binary garbage" garbage.wit
IN=garbage.wit expect_error "binary garbage on stdin" -

# Invalid UTF-8 in several places.
printf 'package a:b;\ninterface i { \xff\xfe }\n' >utf8-token.wit
expect_error "invalid UTF-8 (token)" utf8-token.wit
printf 'package a:b;\n// caf\xc3\x28 \xe2\x82\n interface i {}\n' >utf8-comment.wit
expect_error "invalid UTF-8 (comment)" utf8-comment.wit
printf 'package a:b;\ninterface i { @external-id("\xed\xa0\x80") f: func(); }\n' >utf8-string.wit
expect_error "invalid UTF-8 (surrogate in string)" utf8-string.wit
printf 'package a:b;\ninterface i {}\n\xc0' >utf8-eof.wit
expect_error "invalid UTF-8 (truncated at EOF)" utf8-eof.wit

# Empty and blank inputs.
: >empty.wit
expect_error "empty file" empty.wit
printf '\n\n   \t\n' >blank.wit
expect_error "blank file" blank.wit
expect_error "empty stdin" -

# Directories without WIT, missing paths.
mkdir -p nowit && echo "not wit" >nowit/README.md
expect_error "directory with no .wit" nowit
mkdir -p emptydir
expect_error "empty directory" emptydir
expect_error "missing path" does-not-exist.wit
expect_error "missing directory" does-not-exist/

# Unreadable inputs.
printf 'package a:b;\ninterface i {}\n' >locked.wit
chmod 000 locked.wit
if [[ ! -r locked.wit ]]; then
  expect_error "unreadable file (mode 000)" locked.wit
elif command -v setpriv >/dev/null 2>&1 && chmod 755 "$tmp" &&
  setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$witc" 2>/dev/null; then
  # root reads anything: run witc as `nobody` instead (the scratch dir is made traversable).
  timeout "$timeout_s" setpriv --reuid=65534 --regid=65534 --clear-groups "$witc" check \
    "$tmp/locked.wit" >out 2>err </dev/null
  rc=$?
  if ((rc == 2)) && grep -q '^error: ' err; then
    passed=$((passed + 1))
    echo "ok   unreadable file (mode 000, as nobody): exit $rc: $(head -n1 err | head -c 160)"
  else
    failed=$((failed + 1))
    echo "FAIL unreadable file (mode 000, as nobody): exit $rc (expected 2)"
    head -n 5 err | sed 's/^/    /'
  fi
  chmod 700 "$tmp"
else
  skip "unreadable file (mode 000)" "running as root (which can read any file) without setpriv to drop privileges"
fi
mkdir -p dangling && ln -sf missing-target.wit dangling/a.wit &&
  printf 'package a:b;\n' >dangling/b.wit
expect_error "package dir with a dangling .wit symlink" dangling
mkdir -p dirfile/deps/x.wit && printf 'package a:b;\ninterface i { use c:d/e.{t}; }\n' >dirfile/root.wit
expect_error "a directory named x.wit in deps/" dirfile

# Symlink loops in deps/.
mkdir -p loop1/deps && printf 'package a:b;\ninterface i { use c:d/e.{t}; }\n' >loop1/a.wit
ln -s self loop1/deps/self 2>/dev/null || true
expect_error "deps/ entry that is a symlink to itself" loop1
mkdir -p loop2/deps && printf 'package a:b;\ninterface i { use c:d/e.{t}; }\n' >loop2/a.wit
ln -s .. loop2/deps/up
expect_error "deps/ entry that is a symlink to its parent" loop2
mkdir -p loop3/deps && printf 'package a:b;\ninterface i { use c:d/e.{t}; }\n' >loop3/a.wit
ln -s ../../loop3 loop3/deps/again
ln -s b loop3/deps/a && ln -s a loop3/deps/b
expect_error "deps/ symlink cycle a -> b -> a" loop3

# 10,000-deep nesting.
n=10000
{ printf 'package a:b;\ninterface i {\n  type t = '; repeat 'list<' $n; printf 'u32'; repeat '>' $n; printf ';\n}\n'; } >deep-list.wit
expect_error "10,000 nested list<>" deep-list.wit
{ printf 'package a:b;\ninterface i {\n  type t = '; repeat 'option<tuple<' $n; printf 'u32'; repeat '>>' $n; printf ';\n}\n'; } >deep-tuple.wit
expect_error "10,000 nested option<tuple<>>" deep-tuple.wit
{ printf 'package a:b;\ninterface i {\n  type t = '; repeat 'list<' $n; printf '\n'; } >deep-unclosed.wit
expect_error "10,000 unclosed list<" deep-unclosed.wit
{ printf 'package a:b;\ninterface i '; repeat '{' $n; repeat '}' $n; printf '\n'; } >deep-braces.wit
expect_error "10,000 nested braces" deep-braces.wit
{ repeat 'package a:b { ' $n; repeat '} ' $n; printf '\n'; } >deep-packages.wit
expect_error "10,000 nested package blocks" deep-packages.wit
{ printf 'package a:b;\n'; repeat '/* ' $n; printf '\ninterface i {}\n'; } >deep-comment-open.wit
expect_error "10,000 unterminated nested comments" deep-comment-open.wit
{ printf 'package a:b;\n'; repeat '/* ' $n; repeat '*/ ' $n; printf '\ninterface i { type t = nope; }\n'; } >deep-comment.wit
expect_error "10,000 nested comments, then an error" deep-comment.wit
{ printf 'package a:b;\ninterface i {\n  f: func() -> '; repeat 'result<' $n; printf '_'; repeat ', string>' $n; printf ';\n}\n'; } >deep-result.wit
expect_error "10,000 nested result<>" deep-result.wit

# 100 MB inputs: many lines, then an error; one 100 MB line (the >500-byte snippet rule).
mb=100
{ printf 'package a:b;\n'; yes '// a comment line to make the file large, sixty-four bytes ...' | head -c $((mb * 1024 * 1024)); printf '\ninterface {\n'; } >big-lines.wit
expect_error "${mb} MB file (comment lines, error at the end)" big-lines.wit
{ printf 'package a:b; /* '; head -c $((mb * 1024 * 1024)) /dev/zero | tr '\0' 'x'; printf ' */ interface {\n'; } >big-line.wit
expect_error "${mb} MB single line (error at the end)" big-line.wit
{ printf 'package a:b;\ninterface i {\n'; seq 1 200000 | awk '{ printf "  type t%d = u32;\n", $1 }'; printf '  type bad = nope;\n}\n'; } >many-items.wit
expect_error "200,000 items, then an undefined type" many-items.wit
rm -f big-lines.wit big-line.wit

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed == 0 ]]
