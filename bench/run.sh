#!/usr/bin/env bash
# bench/run.sh: witc's speed and memory against the budget of decisions.md "Performance
# (issue 09)": `witc check` at >= 150 MB/s on 8 MiB of WIT (53 ms; MB here are MiB, as there),
# peak memory under 4x the input + 4 MiB, whole process.
#
#   bash bench/run.sh          (or: make bench)
#
# 1. Builds witc in Release into its own directory (build-bench/; never build/), and the two
#    helpers bench/genwit.c (the seeded WIT generator) and bench/stages.c (per-stage profile).
# 2. Generates 1, 8 and 32 MiB single-file inputs and an 8 MiB multi-file package directory
#    (same seed: the same bytes every time), plus the reference's own 8 MiB input
#    (oracle/bench/gen-big-wit.mjs 4000 --no-world) when Node is there.
# 3. Times whole-process `witc check` on each (median and minimum of BENCH_RUNS runs;
#    hyperfine when installed, else a shell loop on EPOCHREALTIME or `date +%s%N`), and
#    `witc json` and `witc gen c` on the 8 MiB input (every command must succeed); peak RSS
#    with /usr/bin/time; instruction counts with `perf stat` when the CPU exposes them, else
#    callgrind on the 1 MiB input (total and per stage); the per-stage profile of 8 MiB.
# 4. Runs the reference's benchmark (oracle/bench/bench.mjs --quick, about 20 s) when it is
#    installed, else quotes decisions.md's figure.
# 5. Prints the tables and writes them into bench/results.md between the markers
#    `<!-- bench:begin -->` and `<!-- bench:end -->` (the analysis around them is kept).
#
# Environment: BENCH_RUNS (default 7), BENCH_SIZES (MiB, default "1 8 32"), BENCH_SEED (1),
# BENCH_BUILD (build-bench), BENCH_ORACLE (auto | 0 | 1), BENCH_RESULTS (bench/results.md),
# CC (gcc), WITC_SHARED (the reference shelf, default ../shared beside the repository).
# The machine is shared: the load average before and after is recorded with the figures.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
[[ $build = /* ]] || build=$root/$build
runs=${BENCH_RUNS:-7}
sizes=${BENCH_SIZES:-"1 8 32"}
seed=${BENCH_SEED:-1}
oracle_mode=${BENCH_ORACLE:-auto}
results=${BENCH_RESULTS:-$root/bench/results.md}
shared=${WITC_SHARED:-$root/../shared}
cc=${CC:-gcc}
data=$build/bench-data
tools=$build/bench-tools
mkdir -p "$data" "$tools"

say() { printf '%s\n' "$*" >&2; }

# ---- build -------------------------------------------------------------------------------

say "bench: building witc (Release) in $build"
# WITC_WERROR off: a compiler's -O3-only warning must not stop a measurement.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" \
  -DWITC_WERROR=OFF >/dev/null
cmake --build "$build" --target witc -j 2 >/dev/null
witc=$build/witc
"$cc" -O2 -std=c17 -Wall -Wextra -o "$tools/genwit" "$root/bench/genwit.c"
"$cc" -O3 -DNDEBUG -std=c17 -D_DEFAULT_SOURCE -Wall -Wextra -I"$root/parser" \
  -o "$tools/stages" "$root/bench/stages.c" "$build/libwitc_front.a"

# ---- tools -------------------------------------------------------------------------------

timebin=/usr/bin/time
if [[ ! -x $timebin ]]; then
  sudo=()
  [[ $(id -u) = 0 ]] || sudo=(sudo)
  say "bench: installing GNU time for peak RSS"
  if ! "${sudo[@]}" apt-get install -y time >/dev/null 2>&1; then
    say "bench: /usr/bin/time unavailable: peak RSS is not measured"
    timebin=
  fi
fi
have_hyperfine=false
command -v hyperfine >/dev/null 2>&1 && command -v jq >/dev/null 2>&1 && have_hyperfine=true
perf_instructions=false
if command -v perf >/dev/null 2>&1 &&
  perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then
  perf_instructions=true
fi
have_callgrind=false
command -v valgrind >/dev/null 2>&1 && command -v callgrind_annotate >/dev/null 2>&1 &&
  have_callgrind=true
have_node=false
command -v node >/dev/null 2>&1 && have_node=true

# ---- inputs ------------------------------------------------------------------------------

declare -A input_file
for s in $sizes; do
  f=$data/gen-${s}m.wit
  "$tools/genwit" --seed "$seed" --size "${s}M" -o "$f"
  input_file[$s]=$f
done
dir8=$data/gen-8m-dir
rm -rf "$dir8"
"$tools/genwit" --seed "$seed" --size 8M --dir "$dir8"
file8=${input_file[8]:-}
if [[ -z $file8 ]]; then
  file8=$data/gen-8m.wit
  "$tools/genwit" --seed "$seed" --size 8M -o "$file8"
fi
ref8=
if $have_node && [[ -f $shared/oracle/bench/gen-big-wit.mjs ]]; then
  ref8=$data/ref-4000-noworld.wit
  [[ -f $ref8 ]] || node "$shared/oracle/bench/gen-big-wit.mjs" "$ref8" 4000 --no-world 2>/dev/null
fi

# ---- measuring ---------------------------------------------------------------------------

bytes_of() { # file or directory: total bytes of its .wit files
  if [[ -d $1 ]]; then find "$1" -name '*.wit' -printf '%s\n' | awk '{s += $1} END {print s}'
  else stat -c %s "$1"; fi
}

# Microseconds now: bash's EPOCHREALTIME needs no fork (a `date +%s%N` in $(...) adds the
# start-up of a subshell and of date, about a millisecond, to every measurement).
now_us() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    local t=${EPOCHREALTIME/[.,]/}
    echo "$((10#$t))"
  else
    echo $(($(date +%s%N) / 1000))
  fi
}

# median and minimum (ms, 1 decimal) of `runs` whole-process runs of "$@" (output discarded)
time_cmd() {
  if $have_hyperfine; then
    local j=$tools/hyperfine.json
    if hyperfine -N --runs "$runs" --warmup 1 --export-json "$j" -- "$(printf '%q ' "$@")" \
      >/dev/null 2>&1; then
      jq -r '.results[0] | "\(.median * 1000) \(.min * 1000)"' "$j" |
        awk '{printf "%.1f %.1f\n", $1, $2}'
      return
    fi
  fi
  local ts=() i t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(now_us)
    "$@" >/dev/null 2>&1 || true
    t1=$(now_us)
    ts+=($((t1 - t0)))
  done
  printf '%s\n' "${ts[@]}" | sort -n |
    awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
         printf "%.1f %.1f\n", m / 1000, a[1] / 1000}'
}

rss_kib() { # peak RSS of one run, KiB
  [[ -n $timebin ]] || { echo 0; return; }
  local out=$tools/time.out
  "$timebin" -f '%M' -o "$out" "$@" >/dev/null 2>&1 || true
  tail -1 "$out"
}

rows=()
# row WHAT INPUT BUDGET(yes|no) CMD...
row() {
  local what=$1 input=$2 budget=$3
  shift 3
  local bytes ms min rss mibs ratio verdict=""
  # once untimed: it must succeed (and the input is then in the page cache)
  if ! "$@" >/dev/null 2>"$tools/cmd.err"; then
    say "bench: $* failed:"
    head -5 "$tools/cmd.err" >&2
    exit 1
  fi
  bytes=$(bytes_of "$input")
  read -r ms min < <(time_cmd "$@")
  rss=$(rss_kib "$@")
  mibs=$(awk -v b="$bytes" -v t="$ms" 'BEGIN {printf "%.1f", b / 1048576 / (t / 1000)}')
  ratio=$(awk -v r="$rss" -v b="$bytes" 'BEGIN {printf "%.1f", r * 1024 / b}')
  if [[ $budget = yes ]]; then
    verdict=$(awk -v s="$mibs" -v r="$rss" -v b="$bytes" 'BEGIN {
      sp = s >= 150 ? "speed ok" : "speed " sprintf("%.0f%% of it", s / 150 * 100);
      lim = 4 * b + 4 * 1048576;
      me = r * 1024 <= lim ? "memory ok" : "memory " sprintf("%.1fx the limit", r * 1024 / lim);
      print sp ", " me}')
  fi
  rows+=("| $what | $(basename "$input") | $(awk -v b="$bytes" 'BEGIN {printf "%.2f", b / 1048576}') | $ms | $min | $mibs | $(awk -v r="$rss" 'BEGIN {printf "%.1f", r / 1024}') | $ratio | $verdict |")
  say "bench: $what $(basename "$input"): ${ms} ms (min $min), $mibs MiB/s, RSS $((rss / 1024)) MiB"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for s in $sizes; do
  row "check" "${input_file[$s]}" yes "$witc" check "${input_file[$s]}"
done
row "check (directory, deps/)" "$dir8" yes "$witc" check "$dir8"
if [[ -n $ref8 ]]; then
  row "check (reference's generator)" "$ref8" yes "$witc" check "$ref8"
fi
row "json" "$file8" no "$witc" json "$file8"
gen_out=$tools/gen-c
rm -rf "$gen_out"
mkdir -p "$gen_out"
row "gen c --world bench-target" "$file8" no "$witc" gen c --world bench-target -o "$gen_out" "$file8"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- instructions ------------------------------------------------------------------------

instr_lines=()
if $perf_instructions; then
  for s in $sizes; do
    f=${input_file[$s]}
    n=$(perf stat -x, -e instructions "$witc" check "$f" 2>&1 >/dev/null | awk -F, '/instructions/ {print $1}')
    instr_lines+=("| check $(basename "$f") | $n | $(awk -v n="$n" -v b="$(bytes_of "$f")" 'BEGIN {printf "%.1f", n / b}') |")
  done
elif $have_callgrind; then
  small=${input_file[1]:-$file8}
  cg=$tools/callgrind.out
  valgrind --tool=callgrind --callgrind-out-file="$cg" "$witc" check "$small" >/dev/null 2>&1
  b=$(bytes_of "$small")
  total=$(callgrind_annotate "$cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  instr_lines+=("| check $(basename "$small"), whole process | $total | $(awk -v n="$total" -v b="$b" 'BEGIN {printf "%.1f", n / b}') |")
  incl=$(callgrind_annotate --inclusive=yes --threshold=100 "$cg" 2>/dev/null)
  stage_ir() { awk -v fn="$1" '$0 ~ (":" fn " ") || $0 ~ (":" fn "$") {gsub(",", "", $1); print $1; exit}' <<<"$incl"; }
  for st in "witc_source_map_load:open and map the file (witc_source_map_load)" "witc_parse_file:lex + parse (witc_parse_file)" \
    "witc_parse_resolve_package:lex + parse + per-package resolve (witc_parse_resolve_package)" \
    "rs_push_groups:cross-package resolve (rs_push_groups)"; do
    n=$(stage_ir "${st%%:*}")
    [[ -n $n ]] || continue
    instr_lines+=("| ${st#*:} | $n | $(awk -v n="$n" -v b="$b" 'BEGIN {printf "%.1f", n / b}') |")
  done
fi

# ---- stages ------------------------------------------------------------------------------

stages_md=$("$tools/stages" --runs "$runs" "$file8")

# ---- the reference -----------------------------------------------------------------------

oracle_md=""
oracle_ok=false
if [[ $oracle_mode != 0 ]] && $have_node && [[ -f $shared/oracle/bench/bench.mjs ]] &&
  { [[ -d $shared/oracle/node_modules/@bytecodealliance/jco ]] ||
    [[ -d ${WIT_ORACLE_HOME:-$HOME/.cache/wit-oracle}/node_modules/@bytecodealliance/jco ]]; }; then
  say "bench: the reference's benchmark (bench.mjs --quick, about 20 s)"
  if out=$(WIT_BENCH_OUT=$tools/oracle node "$shared/oracle/bench/bench.mjs" --quick 2>&1); then
    oracle_ok=true
    oracle_md=$(grep -E 'in-process parse\+resolve|process: wit-check.mjs big|Node v' <<<"$out" | sed 's/^/    /')
  else
    say "bench: the reference's benchmark failed; quoting decisions.md instead"
  fi
elif [[ $oracle_mode = 1 ]]; then
  say "bench: BENCH_ORACLE=1 but the reference checker is not installed ($shared/oracle/setup.sh)"
  exit 1
fi

# ---- report ------------------------------------------------------------------------------

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$root" status --porcelain 2>/dev/null) ]] && commit="$commit (with uncommitted changes)"
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)
ccv=$("$cc" --version | head -1)
timer=$($have_hyperfine && echo "hyperfine" || echo "a shell loop timed with bash's EPOCHREALTIME")

report=$(
  cat <<EOF
Generated by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit.
Machine: $cpu, $(nproc) CPUs, $mem, $(uname -sr), transparent huge pages: $thp.
Compiler: $ccv, CMake Release (-O3). Load average before / after: $load_before / $load_after
(the machine is shared; the minimum is the least disturbed run).
Inputs: bench/genwit.c, seed $seed (single files: one package plus four nested dependency
packages; directory: 256 KiB part files plus deps/). Whole-process wall time, median of $runs
runs ($timer); peak RSS from /usr/bin/time.
Budget: 150 MiB/s and a peak RSS of at most 4 x input + 4 MiB.

| command | input | MiB | median ms | min ms | MiB/s | peak RSS MiB | RSS / input | budget |
|---|---|---:|---:|---:|---:|---:|---:|---|
$(printf '%s\n' "${rows[@]}")
EOF
  if ((${#instr_lines[@]})); then
    echo
    if $perf_instructions; then echo "Instructions (perf stat):"
    else echo "Instructions (callgrind; \`perf stat -e instructions\` is not supported on this VM):"; fi
    echo
    echo "| what | instructions | per input byte |"
    echo "|---|---:|---:|"
    printf '%s\n' "${instr_lines[@]}"
  fi
  echo
  echo "Per-stage profile of \`witc check\` on $(basename "$file8") (bench/stages.c; the same"
  echo "functions witc check calls, each run in a fresh process):"
  echo
  echo "$stages_md"
  echo
  if $oracle_ok; then
    echo "The reference (wit-parser 0.259 in jco's wasm-tools, Node; oracle/bench/bench.mjs --quick"
    echo "on its own generator's output, in-process figures exclude Node start-up):"
    echo
    echo "$oracle_md"
  else
    echo "The reference: decisions.md records the native wit-parser 0.257.1 (release build) at about"
    echo "4.8 MB/s on the same kind of 8 MiB input (the oracle's benchmark was not run)."
  fi
)

printf '%s\n' "$report"

begin='<!-- bench:begin -->'
end='<!-- bench:end -->'
if [[ -f $results ]] && grep -qF "$begin" "$results" && grep -qF "$end" "$results"; then
  tmp=$results.tmp
  printf '%s\n' "$report" >"$tools/report.md"
  awk -v b="$begin" -v e="$end" -v f="$tools/report.md" '
    $0 == b {print; while ((getline line < f) > 0) print line; skip = 1; next}
    $0 == e {skip = 0}
    !skip {print}' "$results" >"$tmp"
  mv "$tmp" "$results"
else
  {
    echo "# witc benchmark results"
    echo
    echo "$begin"
    printf '%s\n' "$report"
    echo "$end"
  } >"$results"
fi
say "bench: wrote $results"
