#!/usr/bin/env bash
# What a bridge network costs at `run`, side by side in one run (median wall time of start-to-exit):
#   mydocker run --rm on a user bridge network  |  the default bridge  |  --network none
#   |  podman run --rm (netavark bridge)  |  podman --network none        (podman 4.3 with runc, private storage)
# Also: the CNI plugin calls of one bridge run (from --debug), and after everything, that no bridge, veth,
# rule or lease of the bench is left. Traffic never leaves the machine.
# Usage: bench/network.sh [RUNS]   (needs root, hyperfine, podman, containernetworking-plugins; run `npm ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
work=$(mktemp -d /tmp/mydocker-bench-net-XXXXXX)
md="$PWD/bin/mydocker --root $work/root --runroot $work/run"
pm() { podman --root "$work/podman/root" --runroot "$work/podman/run" --tmpdir "$work/podman/tmp" "$@"; }
cleanup() {
  pm rm -a -f >/dev/null 2>&1 || true
  pm rmi -a -f >/dev/null 2>&1 || true
  $md rm -f $($md ps -aq 2>/dev/null) >/dev/null 2>&1 || true
  $md network rm -f benchnet bridge >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# podman: this VM's root lacks CAP_SYS_RESOURCE, so podman's default ulimits (nofile=1048576) make runc fail;
# a private containers.conf sets them at the host's hard limits (as /work/shared/anchors/lib.sh does).
mkdir -p "$work/podman/tmp"
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
awk -v u="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]" '{print} /^\[containers\]/{print u}' \
  /usr/share/containers/containers.conf >"$work/podman/containers.conf"
export CONTAINERS_CONF=$work/podman/containers.conf TMPDIR=$work/podman/tmp

$md network create --subnet 10.239.0.0/24 benchnet >/dev/null
$md run --rm busybox true                          # builds the default image, creates the default network
layer=$(ls -d "$work"/root/layers/*/diff | head -n1)
tar -C "$layer" -c . | pm import -q - localhost/mydocker-bench-busybox >/dev/null
pm run --rm --runtime runc localhost/mydocker-bench-busybox true   # podman's default network comes up once

echo "== the CNI plugins of one run on a bridge network (mydocker --debug)"
$md --debug run --rm --network benchnet busybox true 2>&1 | grep -E 'cni-exec' | sed -E 's/.*plugin=([a-z-]+) command=([A-Z]+).* ms=([0-9]+)/  \1 \2: \3 ms/'

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" \
  -n 'mydocker run --rm --network benchnet (user bridge)' "$md run --rm --network benchnet busybox true" \
  -n 'mydocker run --rm (default bridge)' "$md run --rm busybox true" \
  -n 'mydocker run --rm --network none' "$md run --rm --network none busybox true" \
  -n 'podman run --rm (netavark bridge)' "podman --root $work/podman/root --runroot $work/podman/run --tmpdir $work/podman/tmp run --rm --runtime runc localhost/mydocker-bench-busybox true" \
  -n 'podman run --rm --network none' "podman --root $work/podman/root --runroot $work/podman/run --tmpdir $work/podman/tmp run --rm --runtime runc --network none localhost/mydocker-bench-busybox true" \
  >/dev/null

echo
echo "start-to-exit latency, median of $runs runs ($(nproc) CPUs, $(uname -r))"
jq -r '.results[] | "\(.command)\t\(.median*1000|.*10|round/10) ms\t(min \(.min*1000|.*10|round/10), max \(.max*1000|.*10|round/10))"' "$work/h.json" | column -t -s $'\t'
jq -r '(.results[0].median - .results[2].median) as $md | (.results[3].median - .results[4].median) as $pm |
  "a bridge network adds \($md*1000|round) ms to mydocker run, \($pm*1000|round) ms to podman run; mydocker bridge / podman bridge = \(.results[0].median / .results[3].median * 100 | round / 100)x"' "$work/h.json"

bridges=$($md network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' benchnet bridge)
leases=$(find "$work/run/networks/ipam" -name '[0-9]*' | wc -l)
$md network rm benchnet bridge >/dev/null
left=0
for b in $bridges; do ip link show "$b" >/dev/null 2>&1 && { echo "left: bridge $b"; left=1; }; done
iptables-save | grep -qE "$(echo $bridges | tr ' ' '|')" && { echo "left: iptables rules"; left=1; }
echo "leases held after the runs: $leases; host left clean: $([ $left = 0 ] && echo yes || echo no)"
