#!/usr/bin/env bash
# What a health check costs (docs/health.md): the monitor's memory with and without a health check
# (between checks nothing else runs), and one check's process (`mydocker internal healthcheck ID`,
# what the monitor runs when a check is due): wall time, CPU time, peak RSS.
# Usage: bench/health-cost.sh [N]   (root; needs jq and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
work=$(mktemp -d /tmp/mydocker-bench-XXXXXX)
md="$PWD/bin/mydocker --root $work/root --runroot $work/run"
cleanup() { $md rm -f $($md ps -aq) >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
monitor_mem() { # mean VmRSS and PSS (kB) of the monitors of the given containers
  local rss=0 pss=0 k=0
  for id in "$@"; do
    pid=$(jq -r .monitorPid "$work/run/runtime/$id/state.json")
    rss=$((rss + $(awk '/^VmRSS/ {print $2}' /proc/$pid/status)))
    pss=$((pss + $(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)))
    k=$((k + 1))
  done
  echo "$((rss / k)) $((pss / k))"
}
plain=() health=()
for _ in $(seq "$n"); do plain+=("$($md run -d busybox sleep 1000)"); done
for _ in $(seq "$n"); do health+=("$($md run -d --health-cmd true --health-interval 1h busybox sleep 1000)"); done
sleep 1
printf 'idle monitor, mean of %d (kB)           VmRSS      PSS\n' "$n"
printf 'without a health check           %8s %8s\n' $(monitor_mem "${plain[@]}")
printf 'with a health check (timer only) %8s %8s\n' $(monitor_mem "${health[@]}")
echo
echo 'one check (mydocker internal healthcheck ID, CMD-SHELL true): wall s, user s, sys s, max RSS kB'
for _ in 1 2 3 4 5; do
  /usr/bin/time -f '%e %U %S %M' $md internal healthcheck "${health[0]}" 2>&1 >/dev/null | tail -1
done
echo
echo 'for scale: node -e 0: wall s, user s, sys s, max RSS kB'
for _ in 1 2 3; do /usr/bin/time -f '%e %U %S %M' node -e 0 2>&1 | tail -1; done
