#!/usr/bin/env bash
# run_all.sh: the whole test suite, as `make test` runs it. Stages:
#   1. gcc build (build/, -Wall -Wextra -Werror) and its Criterion unit tests (ctest -L unit)
#   2. harnesses on that build: conformance, vtx_history, golden, robustness, then every
#      other tests/*.sh (each gets the witc binary as $1)
#   3. clang build (build-clang/, -Werror) and its unit tests
#   4. ASan+UBSan build (build-asan/, clang, LeakSanitizer on): unit tests, conformance,
#      vtx_history, golden and robustness again
# Every stage runs even when an earlier one failed; the summary lists them all and the
# exit status is 1 when any failed. JOBS (default 2) sets build parallelism.
#
# Skipped proofs: a harness that cannot run some of its proofs here (no ../shared shelf
# beside the checkout, no Node.js, no wasm toolchain) prints a line starting with `SKIP:`
# that says what and why, and exits 0. Such a stage is listed as SKIP (not PASS) with those
# reasons, the last line counts it, and the verdict says that not everything was proven. (A
# `SKIP <case>: ...` line without the colon is a case skipped by design, such as the two
# corpus cases that need a wasm decoder; it does not make the stage a skip.) In CI the shelf
# and Node.js are present and no stage is skipped.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
jobs=${JOBS:-2}
results=()
status=0
logs=$(mktemp -d "${TMPDIR:-/tmp}/witc-run-all.XXXXXX")
trap 'rm -rf "$logs"' EXIT

stage() { # stage NAME command...
  local name=$1
  shift
  printf '\n==== %s\n' "$name"
  local start=$SECONDS log=$logs/stage.log
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local t=$((SECONDS - start))
  if ((rc != 0)); then
    results+=("FAIL  $name (${t}s, exit $rc)")
    status=1
  elif grep -q '^SKIP:' "$log"; then
    results+=("SKIP  $name (${t}s): passed what it ran, but did not run:")
    local why
    while IFS= read -r why; do results+=("        - ${why#SKIP: }"); done < <(grep '^SKIP:' "$log")
  else
    results+=("PASS  $name (${t}s)")
  fi
  return $rc
}

build() { # build DIR COMPILER [cmake args...]
  local dir=$1 cc=$2
  shift 2
  if [[ -f $dir/CMakeCache.txt ]] && ! grep -q "^CMAKE_C_COMPILER:[A-Z]*=.*$cc" "$dir/CMakeCache.txt"; then
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  cmake -S . -B "$dir" -DCMAKE_C_COMPILER="$cc" "$@" >"$dir/configure.log" 2>&1 ||
    { cat "$dir/configure.log"; return 1; }
  cmake --build "$dir" -j "$jobs"
}

unit() { # unit DIR
  ctest --test-dir "$1" -L unit --output-on-failure -j "$jobs"
}

# Sanitizer settings: leaks on, and exit codes that cannot be mistaken for witc's 1 and 2.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=134:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=134}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}

if stage "gcc build" build build gcc; then
  stage "unit tests (gcc)" unit build
  stage "conformance (gcc)" bash tests/conformance.sh build/witc
  stage "vtx history and WASI (gcc)" bash tests/vtx_history.sh build/witc
  stage "golden (gcc)" bash tests/golden.sh build/witc
  stage "robustness (gcc)" bash tests/robustness.sh build/witc
  # Every other harness in tests/ (the back ends' ones) takes the witc binary as $1.
  for h in tests/*.sh; do
    case ${h##*/} in
    run_all.sh | conformance.sh | vtx_history.sh | golden.sh | robustness.sh) continue ;;
    esac
    stage "${h##*/} (gcc)" bash "$h" build/witc
  done
  # make demo's own script, so the README's first command stays proven.
  stage "demo (scripts/demo.sh)" bash scripts/demo.sh build/witc build/demo
fi
if stage "clang build (-Werror)" build build-clang clang; then
  stage "unit tests (clang)" unit build-clang
fi
if stage "ASan+UBSan build (clang)" build build-asan clang -DWITC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug; then
  stage "unit tests (ASan+UBSan)" unit build-asan
  stage "conformance (ASan+UBSan)" bash tests/conformance.sh build-asan/witc
  stage "vtx history and WASI (ASan+UBSan)" bash tests/vtx_history.sh build-asan/witc
  stage "golden (ASan+UBSan)" bash tests/golden.sh build-asan/witc
  stage "robustness (ASan+UBSan)" bash tests/robustness.sh build-asan/witc
  # The back ends and the rule fixtures under the sanitizers too (json, fmt, gen c).
  for h in rules json_corpus fmt_roundtrip gen_compile; do
    [[ -f tests/$h.sh ]] && stage "$h.sh (ASan+UBSan)" bash "tests/$h.sh" build-asan/witc
  done
fi

printf '\n==== summary\n'
printf '%s\n' "${results[@]}"
npass=0 nfail=0 nskip=0
for r in "${results[@]}"; do
  case $r in
  PASS*) npass=$((npass + 1)) ;;
  FAIL*) nfail=$((nfail + 1)) ;;
  SKIP*) nskip=$((nskip + 1)) ;;
  esac
done
if ((status != 0)); then
  echo "make test: FAILED"
elif ((nskip > 0)); then
  echo "make test: no stage failed, but $nskip stage(s) skipped proofs (SKIP above): not everything was proven here"
else
  echo "make test: all stages passed"
fi
# The closing line CI reads: stages, each of which printed its own count above.
echo "stages: $npass passed, $nfail failed, $nskip skipped"
exit $status
