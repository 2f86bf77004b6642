#!/usr/bin/env bash
# Start-to-exit latency of a trivial container, side by side in one run (median wall time):
#   mydocker run --rm --network none busybox true (runc's bundle also gets a bare netns)  |  runc run of the same rootfs  |  node -e 0 (the floor of any Node CLI)
# Usage: bench/run-latency.sh [RUNS]   (needs root, hyperfine, runc; builds nothing itself: run `npm ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
work=$(mktemp -d /tmp/mydocker-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
md="$PWD/bin/mydocker --root $work/root --runroot $work/run"

$md run --rm busybox true                      # builds the default image once
layer=$(ls -d "$work"/root/layers/*/diff | head -n1)
mkdir -p "$work/bundle" && cp -a "$layer" "$work/bundle/rootfs"
(cd "$work/bundle" && runc spec)
jq '.process.terminal=false | .process.args=["/bin/true"] | .linux.cgroupsPath="/mydocker-bench/runc"' \
  "$work/bundle/config.json" > "$work/bundle/c.json" && mv "$work/bundle/c.json" "$work/bundle/config.json"

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
  -n 'mydocker run --rm --network none busybox true' "$md run --rm --network none busybox true" \
  -n 'runc run (same rootfs)' "runc --root $work/runc run -b $work/bundle bench" \
  -n 'node -e 0' 'node -e 0' >/dev/null
rmdir /sys/fs/cgroup/*/mydocker-bench 2>/dev/null || true

echo "start-to-exit latency, median of $runs runs ($(nproc) CPUs, $(uname -r))"
jq -r '.results[] | "\(.command)\t\(.median*1000|.*10|round/10) ms\t(min \(.min*1000|.*10|round/10), max \(.max*1000|.*10|round/10))"' "$work/h.json" | column -t -s $'\t'
jq -r '(.results[0].median / .results[1].median) as $r | (.results[0].median - .results[2].median) as $o |
  "mydocker / runc = \($r*100|round/100)x; mydocker above the Node floor: \($o*1000|.*10|round/10) ms"' "$work/h.json"
