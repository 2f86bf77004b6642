#!/usr/bin/env bash
# The Node library's launch-to-exit latency next to `runc run` of the same busybox rootfs, both started
# from one long-running Node process and interleaved (bench/library-driver.mjs says what is measured).
# Usage: bench/library.sh [RUNS]   (needs root and runc; run `npm ci` or `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
work=$(mktemp -d /tmp/mydocker-bench-lib-XXXXXX)
cleanup() {
  bin/mydocker --root "$work/root" --runroot "$work/run" system reset --force >/dev/null 2>&1 || true
  rmdir /sys/fs/cgroup/*/mydocker-bench-lib 2>/dev/null || rmdir /sys/fs/cgroup/mydocker-bench-lib 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

bin/mydocker --root "$work/root" --runroot "$work/run" run --rm --network none busybox true   # the built-in image, once
layer=$(ls -d "$work"/root/layers/*/diff | head -n1)
mkdir -p "$work/bundle" && cp -a "$layer" "$work/bundle/rootfs"
(cd "$work/bundle" && runc spec)
jq '.process.terminal=false | .process.args=["/bin/true"] | .linux.cgroupsPath="/mydocker-bench-lib/runc"' \
  "$work/bundle/config.json" > "$work/bundle/c.json" && mv "$work/bundle/c.json" "$work/bundle/config.json"

echo "($(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
node bench/library-driver.mjs "$work/root" "$work/run" "$work/runc" "$work/bundle" "$runs"
