#!/usr/bin/env bash
# gen_compile.sh: compile proof of `witc gen c` (issue 03).
#
# Generates C bindings for the bundled vtx:api worlds (--protocol 2.2.1 and 5.0.0, with
# legacy and standard32 names), every world of the WASI packages in
# ../shared/corpus/wasi/*/wit, and testdata/gen/*.wit, then compiles each pair:
#   - <world>.c (which includes <world>.h) with the host gcc and clang as C17,
#     -Wall -Wextra -Werror -Wc++-compat;
#   - <world>.h and <world>.c as C++ with clang++ and g++ (-std=c++17 -Wall -Wextra -Werror);
#   - <world>.c with clang --target=wasm32-wasi (wasi-libc) and, freestanding,
#     --target=wasm32 -DWITC_FREESTANDING (no libc);
# compiles the guests of tests/e2e against fresh bindings, and checks that an unsupported input (testdata/gen/fail/*.wit) fails with exit 1 and a
# located error. Prints one line per failure and `N passed, N failed`; exit 1 on failure.
#
# Usage: tests/gen_compile.sh [WITC]   (default: build/witc; WITC_SHARED overrides ../shared)
# Needs: gcc, g++, clang, clang++ (14+), wasi-libc, lld, libclang-rt-14-dev-wasm32.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
WITC="${1:-${WITC:-$root/build/witc}}"
SHARED="${WITC_SHARED:-$root/../shared}"
out="$(mktemp -d "${TMPDIR:-/tmp}/witc-gen.XXXXXX")"
trap 'rm -rf "$out"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

CFLAGS=(-std=c17 -Wall -Wextra -Werror -Wc++-compat)
CXXFLAGS=(-x c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only)
have_wasi=0
if echo 'int x;' | clang --target=wasm32-wasi --sysroot=/usr -x c -c - -o /dev/null 2>/dev/null; then
  have_wasi=1
else
  echo "SKIP: gen_compile: the wasm32-wasi compiles: clang --target=wasm32-wasi does not work here (install wasi-libc lld libclang-rt-14-dev-wasm32)"
fi

# compile_pair NAME DIR BASE: every compile of one generated pair
compile_pair() {
  local name="$1" dir="$2" base="$3"
  local c="$dir/$base.c" h="$dir/$base.h" log="$dir/$base.log"
  if [ ! -f "$c" ] || [ ! -f "$h" ]; then
    bad "$name: no $base.h/$base.c generated"
    return
  fi
  local cc
  for cc in gcc clang; do
    if $cc "${CFLAGS[@]}" -c "$c" -o "$dir/$base.$cc.o" >"$log" 2>&1; then ok; else
      bad "$name: $cc -std=c17 $base.c"; head -20 "$log"
    fi
  done
  printf '#include "%s.h"\nint main(void) { return 0; }\n' "$base" >"$dir/$base.hdr.c"
  for cc in gcc clang; do
    if $cc "${CFLAGS[@]}" -fsyntax-only -I "$dir" "$dir/$base.hdr.c" >"$log" 2>&1; then ok; else
      bad "$name: $cc -std=c17 $base.h alone"; head -20 "$log"
    fi
  done
  local cxx
  for cxx in clang++ g++; do
    if $cxx "${CXXFLAGS[@]}" -I "$dir" "$dir/$base.hdr.c" >"$log" 2>&1; then ok; else
      bad "$name: $cxx -std=c++17 $base.h"; head -20 "$log"
    fi
    # The glue itself as C++ too (issue 3: the .c and the .h, as C and as C++).
    if $cxx "${CXXFLAGS[@]}" "$c" >"$log" 2>&1; then ok; else
      bad "$name: $cxx -std=c++17 $base.c"; head -20 "$log"
    fi
  done
  if [ $have_wasi = 1 ]; then
    if clang --target=wasm32-wasi --sysroot=/usr "${CFLAGS[@]}" -O2 -c "$c" -o "$dir/$base.wasi.o" >"$log" 2>&1; then ok; else
      bad "$name: clang --target=wasm32-wasi $base.c"; head -20 "$log"
    fi
    if clang --target=wasm32 -ffreestanding -nostdlib -DWITC_FREESTANDING "${CFLAGS[@]}" -O2 \
      -c "$c" -o "$dir/$base.free.o" >"$log" 2>&1; then ok; else
      bad "$name: clang --target=wasm32 -DWITC_FREESTANDING $base.c"; head -20 "$log"
    fi
  fi
}

# gen NAME DIR ARGS...: runs witc gen c, then compiles what it wrote
gen() {
  local name="$1" dir="$2"
  shift 2
  mkdir -p "$dir"
  if ! "$WITC" gen c -o "$dir" "$@" >"$dir/gen.log" 2>&1; then
    bad "$name: witc gen c $*"; head -20 "$dir/gen.log"
    return
  fi
  ok
  local h
  for h in "$dir"/*.h; do
    [ -f "$h" ] || continue
    compile_pair "$name" "$dir" "$(basename "$h" .h)"
  done
}

# 1. the bundled vtx:api worlds
for proto in 2.2.1 5.0.0; do
  gen "vtx $proto" "$out/vtx-$proto" --protocol "$proto"
  gen "vtx $proto standard32" "$out/vtx-$proto-s32" --protocol "$proto" --mangling standard32
done

# 2. every world of the WASI packages
[ -d "$SHARED/corpus/wasi" ] ||
  echo "SKIP: gen_compile: the WASI worlds: $SHARED/corpus/wasi not found (the reference shelf ../shared is not beside this checkout; set WITC_SHARED=<shelf>)"
for pkg in "$SHARED"/corpus/wasi/*/wit; do
  [ -d "$pkg" ] || continue
  pname="$(basename "$(dirname "$pkg")")"
  worlds="$(sed -n 's/^[[:space:]]*world[[:space:]]\+\([a-z0-9-]\+\).*/\1/p' "$pkg"/*.wit | sort -u)"
  for w in $worlds; do
    gen "wasi $pname/$w" "$out/wasi-$pname-$w" --world "$w" "$pkg"
  done
done

# 3. the generator's own test worlds (every world of each file)
for f in "$root"/testdata/gen/*.wit; do
  [ -f "$f" ] || continue
  n="$(basename "$f" .wit)"
  worlds="$(sed -n 's/^[[:space:]]*world[[:space:]]\+\([a-z0-9-]\+\).*/\1/p' "$f" | sort -u)"
  for w in $worlds; do
    gen "testdata $n/$w" "$out/t-$n-$w" --world "$w" "$f"
    gen "testdata $n/$w standard32" "$out/t-$n-$w-s32" --world "$w" --mangling standard32 "$f"
  done
done

# 4. the C guests of tests/e2e (<name>/guest.c, written on the generated API) compile against
#    freshly generated bindings: the API they use still exists (tests/e2e.sh runs them)
if [ $have_wasi = 1 ]; then
  for g in "$root"/tests/e2e/*/guest.c; do
    [ -f "$g" ] || continue
    n="$(basename "$(dirname "$g")")"
    d="$out/guest-$n"
    if [ "$n" = vtx ]; then
      args=(--protocol 2.2.1)
    elif [ -f "$root/tests/e2e/$n/world.wit" ]; then
      args=(--world "$n" "$root/tests/e2e/$n/world.wit")
    else
      continue
    fi
    if ! "$WITC" gen c -o "$d/gen" "${args[@]}" >"$d.log" 2>&1; then
      bad "guest $n: witc gen c"; head -5 "$d.log"; continue
    fi
    if clang --target=wasm32-wasi --sysroot=/usr -std=gnu17 -Wall -Wextra -Werror -O2 -I "$d/gen" \
      -I "$root/tests/e2e/lib" -c "$g" -o "$d/guest.o" >"$d.log" 2>&1; then ok; else
      bad "guest $n: tests/e2e/$n/guest.c does not compile against the generated API"; head -20 "$d.log"
    fi
  done
fi

# 5. unsupported items: exit 1 and an error with a WIT location
for f in "$root"/testdata/gen/fail/*.wit; do
  [ -f "$f" ] || continue
  n="$(basename "$f" .wit)"
  "$WITC" gen c -o "$out/fail-$n" "$f" >"$out/fail-$n.log" 2>&1
  rc=$?
  if [ $rc = 1 ] && grep -q "^error: " "$out/fail-$n.log" && grep -q -- "--> .*$n.wit:[0-9]*:[0-9]*" "$out/fail-$n.log" \
    && [ ! -e "$out/fail-$n" ]; then ok; else
    bad "fail/$n.wit: expected exit 1, a located error and no output (rc=$rc)"; head -5 "$out/fail-$n.log"
  fi
done

# 6. testdata/gen/reserved.wit in the GNU modes too, where gcc predefines `linux` and `unix`
#    (parameters and fields of those names must have been renamed)
for w in reserved uint8; do
  d="$out/t-reserved-$w"
  [ -f "$d/$w.c" ] || continue
  for cc in gcc clang; do
    if $cc -std=gnu17 -Wall -Wextra -Werror -Wc++-compat -c "$d/$w.c" -o "$d/$w.gnu.o" >"$d/gnu.log" 2>&1; then ok; else
      bad "reserved/$w: $cc -std=gnu17 $w.c"; head -20 "$d/gnu.log"
    fi
  done
  for cxx in g++ clang++; do
    if $cxx -x c++ -std=gnu++17 -Wall -Wextra -Werror -fsyntax-only -I "$d" "$d/$w.hdr.c" >"$d/gnu.log" 2>&1; then ok; else
      bad "reserved/$w: $cxx -std=gnu++17 $w.h"; head -20 "$d/gnu.log"
    fi
  done
done

# 7. -o writes <world>.h and <world>.c both or neither: a target that is a directory fails the
#    run (exit 2) before anything is written, and an old file next to it is left alone
d="$out/pair"
mkdir -p "$d/a/plugin.c" "$d/b/plugin.h"
echo old > "$d/a/plugin.h"
echo old > "$d/b/plugin.c"
for sub in a:h b:c; do
  kept=${sub#*:} sub=${sub%:*}
  "$WITC" gen c -o "$d/$sub" >"$d/$sub.log" 2>&1
  rc=$?
  left="$(cd "$d/$sub" && ls -A | tr '\n' ' ')"
  if [ $rc = 2 ] && grep -q "error: cannot write .*: Is a directory" "$d/$sub.log" \
    && [ "$(cat "$d/$sub/plugin.$kept" 2>/dev/null)" = old ] && [ "$left" = "plugin.c plugin.h " ]; then ok; else
    bad "gen c -o over a directory ($sub): rc=$rc, left: $left"; head -5 "$d/$sub.log"
  fi
done
#    through a symbolic link, the file it points to is replaced and the link stays
mkdir -p "$d/c/real"
echo old > "$d/c/real/p.h"
ln -s real/p.h "$d/c/plugin.h"
if "$WITC" gen c -o "$d/c" >"$d/c.log" 2>&1 && [ -L "$d/c/plugin.h" ] && grep -q "WITC_BINDINGS_PLUGIN_H" "$d/c/real/p.h" \
  && [ -f "$d/c/plugin.c" ] && [ "$(cd "$d/c" && ls -A | tr '\n' ' ')" = "plugin.c plugin.h real " ]; then ok; else
  bad "gen c -o through a symbolic link"; head -5 "$d/c.log"
fi

# 8. a chain of 50,000 named types (record rK { x: rK-1 }) passed both ways: generated with a
#    1 MiB stack (nothing recurses per nesting level) within 60 s
f="$out/chain.wit"
awk 'BEGIN { n = 50000; print "package witc-test:chain;\ninterface i {\n  record r0 { x: u32 }";
  for (k = 1; k <= n; k++) printf "  record r%d { x: r%d }\n", k, k - 1;
  printf "  f: func(a: r%d) -> r%d;\n}\nworld chain { import i; export i; }\n", n, n }' >"$f"
if (ulimit -s 1024; timeout 60 "$WITC" gen c -o "$out/chain" "$f") >"$out/chain.log" 2>&1 \
  && grep -q "typedef struct witc_test_chain_i_r50000_t {" "$out/chain/chain.h"; then ok; else
  bad "chain of 50,000 named types"; tail -5 "$out/chain.log"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
