#!/usr/bin/env bash
# Resident memory of the per-container monitor (native/src/monitor.c) for idle detached containers,
# beside the figures of conmon and containerd-shim measured on this machine (shared/anchors/RESULTS.md).
# Usage: bench/monitor-memory.sh [N]   (root; run `npm ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
work=$(mktemp -d /tmp/mydocker-bench-XXXXXX)
md="$PWD/bin/mydocker --root $work/root --runroot $work/run"
cleanup() { $md rm -f $($md ps -aq) >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq "$n"); do $md run -d busybox sleep 1000 >/dev/null; done
sleep 1
total_rss=0 total_pss=0
for id in $($md ps -q --no-trunc); do
  pid=$(jq -r .monitorPid "$work/run/runtime/$id/state.json")
  rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
  pss=$(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)
  total_rss=$((total_rss + rss)); total_pss=$((total_pss + pss))
done
printf 'resident memory of one idle container monitor, mean of %d (kB)\n' "$n"
printf '%-46s %8s %8s\n' process VmRSS PSS
printf '%-46s %8d %8d\n' 'mydocker-monitor (this project)' $((total_rss / n)) $((total_pss / n))
printf '%-46s %8s %8s\n' 'conmon, podman + runc (anchors, 2026-11-29)' 1912 1005
printf '%-46s %8s %8s\n' 'containerd-shim-runc-v2 (anchors, 2026-11-29)' 13168 12050
printf '%-46s %8s %8s\n' 'idle node process (anchors, 2026-11-29)' 40312 38095
