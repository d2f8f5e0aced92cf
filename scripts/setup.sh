#!/usr/bin/env bash
# setup.sh: installs the Debian packages witc's build and tests need, only those that are
# missing (idempotent; `apt-get update` runs only when something must be installed).
# Never installs nodejs/npm through apt (decisions.md): the machine's own Node is used
# where later steps need it.
set -euo pipefail

# Build: cmake, compilers, libraries. Tests: g++ (the generated header as C++), the wasm32
# toolchain for generated bindings (lld, wasi-libc, libclang-rt-14-dev-wasm32, wabt), jq for
# JSON comparisons.
packages=(cmake gcc g++ clang make pkg-config libyaml-dev libpcre2-dev libcriterion-dev
  lld wasi-libc libclang-rt-14-dev-wasm32 wabt jq)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

# The Node packages of the end-to-end tests (jco, pinned by tests/e2e/package-lock.json),
# with the machine's own Node.js (never Debian's npm: decisions.md).
node_packages() {
  local dir
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/e2e
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "setup.sh: node/npm not found: the end-to-end tests will be skipped (install Node.js >= 18)" >&2
    return 0
  fi
  if [[ -f $dir/node_modules/.package-lock.json ]] &&
    cmp -s "$dir/package-lock.json" "$dir/node_modules/.witc-lock"; then
    return 0
  fi
  echo "setup.sh: npm ci in tests/e2e"
  if (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
    cp "$dir/package-lock.json" "$dir/node_modules/.witc-lock"
  else
    echo "setup.sh: npm ci failed: the end-to-end tests will say so and skip" >&2
  fi
}

if ((${#missing[@]} == 0)); then
  node_packages
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup.sh: missing packages (${missing[*]}) and no apt-get to install them" >&2
  exit 2
fi
sudo=()
if [[ $(id -u) != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
    exit 2
  fi
fi
echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
node_packages
