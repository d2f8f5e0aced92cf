#!/usr/bin/env bash
# fmt_roundtrip.sh: proof that `witc fmt` is idempotent and meaning-preserving.
#
# Inputs: every case of wit-parser's corpus that must resolve (the two wasm cases aside),
# the 17 valid vtx-history versions, the WASI packages, and every WIT of testdata/ that
# resolves (files; directories with a deps/ folder and the subdirectories of testdata/fmt/
# are packages; files that do not resolve are other tests' invalid inputs and are ignored).
# For each input x, with deps/ kept alongside when x has one:
#   reparse     fmt(x) resolves again
#   stable      json(fmt(fmt(x))) == json(fmt(x)), on every input (docs/decisions.md)
#   idempotent  fmt(fmt(x)) == fmt(x) textually, on every input (fmt prints nested packages
#               in the order resolving its own text gives them: docs/fmt.md)
#   meaning     json(fmt(x)) == json(x), with the keys of every `functions` map sorted on
#               both sides (the printer moves resource functions ahead of the freestanding
#               ones); only on inputs with no `include` and no @unstable item of a feature
#               that is off (docs/decisions.md: the reference fails it on those too),
#               and not on the inputs of $no_meaning below (named, with the reason).
# Then the golden files of testdata/fmt/: <name>.expected is the exact output of
# `witc fmt <name>`; <dir>.expected-w/ holds the files `witc fmt -w <dir>` must leave, and
# `--check` must pass on them and fail on the original when they differ; the files -w left
# must resolve to the original's JSON (functions maps sorted), each must keep its own
# top-level declarations (interfaces, worlds, nested packages, top-level `use`s) and end
# with exactly one newline.
#
# Usage: tests/fmt_roundtrip.sh [WITC]     (default: build/witc; VERBOSE=1 lists passes)
# The shelf is ../shared relative to the repository, or $WITC_SHARED.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
witc=${1:-$repo/build/witc}
shared=${WITC_SHARED:-$repo/../shared}
case $witc in /*) ;; *) witc=$PWD/$witc ;; esac
if [ ! -x "$witc" ]; then
  echo "fmt roundtrip: $witc is not an executable (build witc first)" >&2
  exit 2
fi

if command -v jq >/dev/null 2>&1; then
  normalize() {
    jq 'walk(if type == "object" and has("functions") and (.functions | type) == "object"
             then .functions |= (to_entries | sort_by(.key) | from_entries) else . end)'
  }
elif command -v python3 >/dev/null 2>&1; then
  normalize() {
    python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        o = {k: walk(v) for k, v in o.items()}
        if isinstance(o.get("functions"), dict):
            o["functions"] = dict(sorted(o["functions"].items()))
        return o
    if isinstance(o, list):
        return [walk(v) for v in o]
    return o
print(json.dumps(walk(json.load(sys.stdin)), indent=2, ensure_ascii=False))'
  }
else
  normalize() { cat; }
  echo "fmt roundtrip: neither jq nor python3 found: functions maps are compared unsorted"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/witc-fmt.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/run/tests"
run=$scratch/run
n=0

pass=0 fail=0 skip=0 ignored=0 n_idem=0 n_meaning=0
note() { [ -n "${VERBOSE:-}" ] && echo "$@"; return 0; }

# Inputs where json(fmt(x)) == json(x) cannot hold for a reason the reference printer
# shares, though they have no `include` and no gated-off item:
#   testdata/fmt/multi-uses  a top-level `use` is example:app's first reference to
#       example:late; printers drop top-level uses, so the printed text references
#       example:late after example:base and the resolver orders those two the other way.
#       (It is there to prove the per-file layout of -w, which keeps the use: its JSON
#       checks are in the golden section.)
no_meaning=" testdata/fmt/multi-uses "

# Whether every @unstable feature used under $1 is among the enabled ones ($2, a,b) and no
# `include` occurs: the inputs on which json(fmt(x)) == json(x) is expected.
meaning_applies() {
  local path=$1 enabled=",$2," f
  if grep -rqE '(^|[^[:alnum:]_%-])include[[:space:]]' --include='*.wit' "$path"; then
    return 1
  fi
  for f in $(grep -rhoE '@unstable[[:space:]]*\([[:space:]]*feature[[:space:]]*=[[:space:]]*[A-Za-z0-9-]+' \
    --include='*.wit' "$path" | sed 's/.*=[[:space:]]*//' | sort -u); do
    case $enabled in *",$f,"*) ;; *) return 1 ;; esac
  done
  return 0
}

# as_package SRC DIR ORIG: puts the printed text SRC where it resolves like the original
# input ORIG (a single file, or a directory next to the same deps/); prints its path.
as_package() {
  local src=$1 dir=$2 orig=$3
  if [ -d "$orig" ]; then
    mkdir -p "$dir"
    cp "$src" "$dir/printed.wit"
    [ -d "$orig/deps" ] && ln -s "$orig/deps" "$dir/deps"
    echo "$dir"
  else
    cp "$src" "$dir.wit"
    echo "$dir.wit"
  fi
}

# check_input MUST LABEL PATH FEATURE-ARGS...: the properties on one input. MUST is 1 when
# the input has to resolve (corpus, vtx, WASI), 0 when a failure only means "not an input"
# (testdata also holds invalid WIT for other tests).
check_input() {
  local must=$1 label=$2 path=$3
  shift 3
  local feats=("$@") enabled=""
  [ ${#feats[@]} -ge 2 ] && [ "${feats[0]}" = --features ] && enabled=${feats[1]}
  n=$((n + 1))
  local d=$scratch/case$n
  mkdir -p "$d"
  if ! (cd "$run" && "$witc" json "${feats[@]}" "$path") >"$d/j0.raw" 2>"$d/err"; then
    if [ "$must" = 1 ]; then
      fail=$((fail + 1))
      echo "FAIL $label: does not resolve: $(head -n 1 "$d/err")"
    else
      ignored=$((ignored + 1))
      note "--   $label: not a valid input: $(head -n 1 "$d/err")"
    fi
    return
  fi
  if ! (cd "$run" && "$witc" fmt "${feats[@]}" "$path") >"$d/f1" 2>"$d/err"; then
    fail=$((fail + 1))
    echo "FAIL $label: witc fmt failed: $(head -n 1 "$d/err")"
    return
  fi
  local abs=$path
  case $abs in /*) ;; *) abs=$run/$path ;; esac
  local p1 p2 problems=() meaning=0
  meaning_applies "$abs" "$enabled" && meaning=1
  case $no_meaning in *" $label "*) meaning=0 ;; esac
  p1=$(as_package "$d/f1" "$d/p1" "$abs")
  if ! "$witc" json "${feats[@]}" "$p1" >"$d/j1.raw" 2>"$d/err"; then
    problems+=("reparse: $(head -n 1 "$d/err")")
  elif ! "$witc" fmt "${feats[@]}" "$p1" >"$d/f2" 2>"$d/err"; then
    problems+=("fmt of the printed text failed: $(head -n 1 "$d/err")")
  else
    p2=$(as_package "$d/f2" "$d/p2" "$abs")
    if ! "$witc" json "${feats[@]}" "$p2" >"$d/j2.raw" 2>"$d/err"; then
      problems+=("reparse of fmt(fmt(x)): $(head -n 1 "$d/err")")
    elif ! cmp -s "$d/j1.raw" "$d/j2.raw"; then
      problems+=("json(fmt(fmt(x))) != json(fmt(x)) from line $(first_diff "$d/j1.raw" "$d/j2.raw")")
      diff -U 2 "$d/j1.raw" "$d/j2.raw" | sed -n '3,12p' >"$d/why"
    fi
    if ! cmp -s "$d/f1" "$d/f2"; then
      problems+=("idempotent: fmt(fmt(x)) differs from line $(first_diff "$d/f1" "$d/f2")")
      diff -U 1 "$d/f1" "$d/f2" | sed -n '3,10p' >"$d/why"
    fi
  fi
  if [ ${#problems[@]} -eq 0 ] && [ $meaning = 1 ]; then
    normalize <"$d/j0.raw" >"$d/j0"
    normalize <"$d/j1.raw" >"$d/j1"
    if ! cmp -s "$d/j0" "$d/j1"; then
      problems+=("meaning: json(fmt(x)) != json(x) from line $(first_diff "$d/j0" "$d/j1")")
      diff -U 2 "$d/j0" "$d/j1" | sed -n '3,12p' >"$d/why"
    fi
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    pass=$((pass + 1))
    n_idem=$((n_idem + 1))
    [ $meaning = 1 ] && n_meaning=$((n_meaning + 1))
    note "ok   $label +idempotent$([ $meaning = 1 ] && echo ' +meaning')"
  else
    fail=$((fail + 1))
    echo "FAIL $label: ${problems[*]}"
    [ -s "$d/why" ] && sed 's/^/     /' "$d/why"
  fi
  return 0
}

first_diff() { cmp "$1" "$2" 2>/dev/null | sed -n 's/.* line \([0-9]*\).*/\1/p'; }

# ---- the conformance corpus ----------------------------------------------------------
corpus=$shared/corpus/wit-parser-ui
if [ -f "$corpus/MANIFEST.tsv" ]; then
  ln -s "$corpus" "$run/tests/ui"
  while IFS=$'\t' read -r expect case _kind _expected _present needs _rest; do
    [ "$expect" = pass ] || continue
    case $case in
    kinds-of-deps | simple-wasm-text.wat)
      skip=$((skip + 1))
      echo "SKIP $case: needs a wasm decoder ($needs)"
      continue
      ;;
    esac
    check_input 1 "corpus/$case" "tests/ui/$case" --features active
  done <"$corpus/MANIFEST.tsv"
else
  echo "SKIP: fmt roundtrip: the wit-parser-ui corpus: not found at $corpus (the reference shelf ../shared is not beside this checkout; set WITC_SHARED=<shelf>)"
fi

# ---- vtx-history (valid versions) and WASI --------------------------------------------
if [ -d "$shared/corpus/vtx-history" ]; then
  for v in "$shared"/corpus/vtx-history/*/; do
    case $v in *-INVALID/) continue ;; esac
    check_input 1 "vtx-history/$(basename "$v")" "$v/wit"
  done
else
  echo "SKIP: fmt roundtrip: the vtx-history versions: not found under $shared/corpus (set WITC_SHARED=<shelf>)"
fi
if [ -d "$shared/corpus/wasi" ]; then
  for p in "$shared"/corpus/wasi/*/wit; do
    check_input 1 "wasi/$(basename "$(dirname "$p")")" "$p"
  done
else
  echo "SKIP: fmt roundtrip: the WASI packages: not found under $shared/corpus (set WITC_SHARED=<shelf>)"
fi

# ---- testdata/ ---------------------------------------------------------------------------
pkgdirs=$( (find "$repo/testdata" -type d -name deps -prune -exec dirname {} \;
  find "$repo/testdata/fmt" -mindepth 1 -maxdepth 1 -type d ! -name '*.expected-w' 2>/dev/null) |
  sort -u)
in_pkgdir() {
  local f=$1 p
  for p in $pkgdirs; do
    case $f in "$p"/*) return 0 ;; esac
  done
  return 1
}
for p in $pkgdirs; do
  check_input 0 "${p#"$repo"/}" "$p" --features active
done
while IFS= read -r f; do
  in_pkgdir "$f" && continue
  check_input 0 "${f#"$repo"/}" "$f" --features active
done < <(find "$repo/testdata" -name '*.wit' -type f ! -path '*/deps/*' ! -path '*.expected-w/*' | sort)

# ---- golden files of testdata/fmt ------------------------------------------------------------
golden_pass=0 golden_fail=0
for want in "$repo"/testdata/fmt/*.expected; do
  [ -e "$want" ] || continue
  input=${want%.expected}
  if "$witc" fmt "$input" >"$scratch/golden" 2>"$scratch/err" && cmp -s "$scratch/golden" "$want"; then
    golden_pass=$((golden_pass + 1))
    note "ok   golden ${input#"$repo"/}"
  else
    golden_fail=$((golden_fail + 1))
    echo "FAIL golden ${input#"$repo"/}: $(head -n 1 "$scratch/err")"
    diff -U 1 "$want" "$scratch/golden" | sed -n '3,12p' | sed 's/^/     /'
  fi
done
# The top-level declarations of a WIT file, one per line, sorted: `use PATH [as NAME]`,
# `interface N`, `world N`, `package N` (the header), and `P/interface N`, `P/world N` for
# the items of a nested package P. Comments are skipped, `%` escapes removed.
toplevel_items() {
  awk '
    { line = $0; sub(/\/\/.*/, "", line); text = text " " line }
    END {
      gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", text)
      gsub(/[{};]/, " & ", text)
      gsub(/%/, "", text)
      n = split(text, t, /[ \t]+/)
      depth = 0; pkg = ""
      for (i = 1; i <= n; i++) {
        if (t[i] == "{") { depth++; continue }
        if (t[i] == "}") { depth--; if (depth == 0) pkg = ""; continue }
        if (depth == 0 && t[i] == "package") {
          if (t[i + 2] == "{") pkg = t[i + 1]; else print "package " t[i + 1]
          i++; continue
        }
        if (depth == 0 && t[i] == "use") {
          s = "use"
          for (i++; i <= n && t[i] != ";"; i++) if (t[i] != "") s = s " " t[i]
          print s; continue
        }
        if ((t[i] == "interface" || t[i] == "world") && (depth == 0 || (depth == 1 && pkg != ""))) {
          print (depth ? pkg "/" : "") t[i] " " t[i + 1]; i++
        }
      }
    }' "$1" | sort
}

for want in "$repo"/testdata/fmt/*.expected-w; do
  [ -d "$want" ] || continue
  input=${want%.expected-w}
  label=${input#"$repo"/}
  work=$scratch/w-$(basename "$input")
  cp -R "$input" "$work"
  problems=()
  if cmp -s <(cd "$input" && cat ./*.wit) <(cd "$want" && cat ./*.wit); then
    "$witc" fmt --check "$input" >/dev/null 2>&1 || problems+=("--check fails on a canonical input")
  else
    "$witc" fmt --check "$input" >"$scratch/listed" 2>&1
    [ $? -eq 1 ] || problems+=("--check did not exit 1 on a non-canonical input")
    [ -s "$scratch/listed" ] || problems+=("--check named no file")
  fi
  "$witc" fmt -w "$work" 2>"$scratch/err" || problems+=("-w failed: $(head -n 1 "$scratch/err")")
  for f in "$want"/*.wit; do
    cmp -s "$f" "$work/$(basename "$f")" || problems+=("-w left $(basename "$f") different")
  done
  "$witc" fmt --check "$work" >/dev/null 2>&1 || problems+=("--check fails after -w")
  # What -w leaves resolves to the same graph (features: as -w resolves, all of them) ...
  if ! "$witc" json --all-features "$work" >"$scratch/wj1" 2>"$scratch/err"; then
    problems+=("the files -w left do not resolve: $(head -n 1 "$scratch/err")")
  elif ! "$witc" json --all-features "$input" >"$scratch/wj0" 2>"$scratch/err"; then
    problems+=("the input does not resolve: $(head -n 1 "$scratch/err")")
  elif ! cmp -s <(normalize <"$scratch/wj0") <(normalize <"$scratch/wj1"); then
    problems+=("json after -w differs from json before, from line $(first_diff "$scratch/wj0" "$scratch/wj1")")
  fi
  for f in "$input"/*.wit; do
    b=$(basename "$f")
    # ... every file keeps its own declarations (top-level uses included) ...
    if [ ! -f "$work/$b" ]; then
      problems+=("-w removed $b")
      continue
    fi
    lost=$(comm -23 <(toplevel_items "$f") <(toplevel_items "$work/$b") | tr '\n' ',')
    [ -z "$lost" ] || problems+=("-w dropped from $b: ${lost%,}")
    # ... and ends with exactly one newline.
    if [ -s "$work/$b" ] && [ -z "$(tail -n 1 "$work/$b")" ]; then
      problems+=("-w left a blank line at the end of $b")
    elif [ -s "$work/$b" ] && [ -n "$(tail -c 1 "$work/$b")" ]; then
      problems+=("-w left $b without a final newline")
    fi
  done
  if [ ${#problems[@]} -eq 0 ]; then
    golden_pass=$((golden_pass + 1))
    note "ok   golden -w $label"
  else
    golden_fail=$((golden_fail + 1))
    echo "FAIL golden -w $label: ${problems[*]}"
  fi
done

# -w through a symbolic link rewrites the link's target and keeps the link (and the mode).
mkdir -p "$scratch/link/real"
cp "$repo/testdata/fmt/layout.wit" "$scratch/link/real/layout.wit"
chmod 640 "$scratch/link/real/layout.wit"
ln -s real/layout.wit "$scratch/link/layout.wit"
problems=()
"$witc" fmt -w "$scratch/link/layout.wit" 2>"$scratch/err" || problems+=("-w failed: $(head -n 1 "$scratch/err")")
[ -L "$scratch/link/layout.wit" ] || problems+=("the link was replaced by a file")
cmp -s "$scratch/link/real/layout.wit" "$repo/testdata/fmt/layout.wit.expected" ||
  problems+=("the target was not rewritten")
[ "$(stat -c %a "$scratch/link/real/layout.wit")" = 640 ] || problems+=("the target's mode changed")
[ "$(find "$scratch/link" -name '.*' | wc -l)" = 0 ] || problems+=("a temporary file was left")
if [ ${#problems[@]} -eq 0 ]; then
  golden_pass=$((golden_pass + 1))
  note "ok   golden -w through a symbolic link"
else
  golden_fail=$((golden_fail + 1))
  echo "FAIL golden -w through a symbolic link: ${problems[*]}"
fi

echo "fmt roundtrip: of the passes, $n_idem checked textual idempotence and $n_meaning json(fmt(x)) == json(x)"
echo "fmt golden: $golden_pass passed, $golden_fail failed"
echo "fmt roundtrip: $pass passed, $fail failed, $skip skipped ($ignored invalid testdata inputs ignored)"
[ $fail -eq 0 ] && [ $golden_fail -eq 0 ]
