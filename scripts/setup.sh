#!/usr/bin/env bash
# setup.sh: installs the Debian packages witc's build and tests need, only those that are
# missing (idempotent; `apt-get update` runs only when something must be installed).
# Never installs nodejs/npm through apt (decisions.md): the machine's own Node is used
# where later steps need it.
set -euo pipefail

packages=(cmake gcc clang make pkg-config libyaml-dev libpcre2-dev libcriterion-dev)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
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
