#!/usr/bin/env bash
# System packages mydocker and its tests need (Debian 12). Idempotent.
set -euo pipefail
packages=(
  busybox-static   # the built-in default image is made from the host's static busybox
  runc             # side-by-side bench and OCI bundle compatibility tests
  hyperfine        # bench/
  iproute2 procps util-linux python3 jq
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
