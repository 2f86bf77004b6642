#!/usr/bin/env bash
# The side-by-side comparison (docs/performance.md): start-to-exit of `true` in a fresh container, interleaved
# A B C … A B C … (one hyperfine pass of one run per command, repeated), against runc, crun, podman and dockerd
# from Debian's packages, each with private state; then the scale figures (bench/scale.sh).
#   no network:  mydocker run --rm --network none | podman run --rm --network none | docker run --rm --network none
#                | runc run | crun run | node -e 0 (the floor of any Node CLI), with and without NODE_EXTRA_CA_CERTS
#   bridge:      mydocker run --rm (default bridge) | podman run --rm (netavark bridge)
# Prints median, min–max per command, and ratios as the median of the per-round ratios.
# Usage: bench/compare.sh [RUNS] [--no-scale]   (root; hyperfine, runc, crun, podman, docker.io, jq; `npm ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
scale=1; [ "${2:-}" = --no-scale ] && scale=0
work=$(mktemp -d /tmp/mydocker-compare-XXXXXX)
sock=/run/mydocker-compare-$$            # short: unix socket paths are limited to 108 bytes
mkdir -p "$sock"
md="$PWD/bin/mydocker --root $work/md/root --runroot $work/md/run"
pmflags="--root $work/podman/root --runroot $work/podman/run --tmpdir $work/podman/tmp"
dk="docker -H unix://$sock/docker.sock"

had_netns=0; [ -d /run/netns ] && had_netns=1   # podman's netavark makes /run/netns (a bind mount) on first use
cleanup() {
  set +e
  podman $pmflags rm -a -f >/dev/null 2>&1
  podman $pmflags system reset -f >/dev/null 2>&1
  [ -f "$sock/dockerd.pid" ] && kill "$(cat "$sock/dockerd.pid")" 2>/dev/null && sleep 1
  $md rm -f $($md ps -aq 2>/dev/null) >/dev/null 2>&1
  $md system reset --force >/dev/null 2>&1
  findmnt -n "$sock/mntns" >/dev/null 2>&1 && umount "$sock/mntns"
  for m in $(findmnt -rn -o TARGET | grep -E "^($work|$sock)" | sort -r); do umount -l "$m"; done
  rmdir /sys/fs/cgroup/*/mydocker-compare/* /sys/fs/cgroup/*/mydocker-compare 2>/dev/null
  rm -rf "$work" "$sock"
  if [ "$had_netns" = 0 ] && [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ]; then
    findmnt -n /run/netns >/dev/null && umount /run/netns
    rmdir /run/netns
  fi
}
trap cleanup EXIT

echo "setting up (private state for every engine under $work) ..." >&2
$md run --rm busybox true >/dev/null                 # the built-in image and the default bridge network
layer=$(ls -d "$work"/md/root/layers/*/diff | head -n1)

# runc and crun: one bundle over a copy of the same rootfs, new pid/net/ipc/uts/mount namespaces, absolute cgroup.
mkdir -p "$work/bundle" && cp -a "$layer" "$work/bundle/rootfs"
(cd "$work/bundle" && runc spec)
jq '.process.terminal=false | .process.args=["/bin/true"] | .linux.cgroupsPath="/mydocker-compare/oci"' \
  "$work/bundle/config.json" >"$work/bundle/c.json" && mv "$work/bundle/c.json" "$work/bundle/config.json"
# crun refuses a hybrid host whose cgroup2 mount holds a controller: it runs in a private mount namespace
# (kept in $sock/mntns) where that mount is gone; the host's mounts are untouched. nsenter costs it ~1 ms.
crun_ns=""
if [ -d /sys/fs/cgroup/unified ] && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
  touch "$sock/mntns"
  unshare --mount="$sock/mntns" --propagation private sh -c 'umount /sys/fs/cgroup/unified'
  crun_ns="nsenter --mount=$sock/mntns"
fi

# podman: root here lacks CAP_SYS_RESOURCE, so its default ulimits must sit at the host's hard limits.
mkdir -p "$work/podman/tmp"
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
awk -v u="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]" '{print} /^\[containers\]/{print u}' \
  /usr/share/containers/containers.conf >"$work/podman/containers.conf"
export CONTAINERS_CONF=$work/podman/containers.conf TMPDIR=$work/podman/tmp
tar -C "$layer" -c . | podman $pmflags import -q - localhost/bench-busybox >/dev/null
podman $pmflags run --rm --runtime runc localhost/bench-busybox true           # podman's default network comes up once

# dockerd: private data and exec roots, no bridge and no iptables (nothing host-wide).
setsid dockerd --data-root "$work/docker" --exec-root "$sock/d" -H "unix://$sock/docker.sock" --pidfile "$sock/dockerd.pid" \
  --iptables=false --ip-masq=false --bridge=none --cgroup-parent /mydocker-compare >"$work/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 1 100); do $dk version >/dev/null 2>&1 && break; sleep 0.2; done
$md save busybox | $dk load -q >/dev/null

names=(
  "mydocker run --rm --network none"
  "podman run --rm --network none"
  "docker run --rm --network none"
  "runc run"
  "crun run"
  "node -e 0"
  "node -e 0 (no NODE_EXTRA_CA_CERTS)"
)
cmds=(
  "$md run --rm --network none busybox true"
  "podman $pmflags run --rm --runtime runc --network none localhost/bench-busybox true"
  "$dk run --rm --network none busybox true"
  "runc --root $sock/runc run -b $work/bundle bench"
  "$crun_ns crun --root $sock/crun run -b $work/bundle bench"
  "node -e 0"
  "env -u NODE_EXTRA_CA_CERTS node -e 0"
)
bridge_names=("mydocker run --rm (default bridge)" "podman run --rm (netavark bridge)")
bridge_cmds=("$md run --rm busybox true" "podman $pmflags run --rm --runtime runc localhost/bench-busybox true")

# interleave NAME_ARRAY CMD_ARRAY OUT: RUNS rounds of one hyperfine pass with one run of each command
interleave() {
  local -n ns=$1 cs=$2
  local out=$3 args=() i
  for i in "${!ns[@]}"; do args+=(-n "${ns[$i]}" "${cs[$i]}"); done
  hyperfine -N --runs 2 --style none "${args[@]}" >/dev/null 2>&1 || true   # warm-up
  for i in $(seq 1 "$runs"); do
    hyperfine -N --runs 1 --style none --export-json "$work/round.json" "${args[@]}" >/dev/null 2>&1
    jq -c '[.results[] | {command, t: .times[0]}]' "$work/round.json" >>"$out"
  done
}

# report FILE: per command median (min–max) in ms, and mydocker's time (the first command) over its time: the median of
# the per-round ratios (below 1: mydocker is faster)
report() {
  jq -rs '
    def med: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
    def ms: . * 10000 | round / 10;
    (.[0] | map(.command)) as $names |
    [range(0; $names|length) as $i | {name: $names[$i], ts: [.[][$i].t], ratio: ([.[] | .[0].t / .[$i].t] | med)}] |
    .[] | "\(.name)\t\(.ts|med|ms) ms\t(\(.ts|min|ms)–\(.ts|max|ms))\tmydocker/this \(.ratio*100|round/100)"' "$1" |
    column -t -s $'\t'
}

echo "== start-to-exit of true, no network: $runs interleaved rounds ($(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
interleave names cmds "$work/none.jsonl"
report "$work/none.jsonl"
jq -rs 'def med: sort | .[length/2|floor]; "mydocker above node -e 0: \([.[] | (.[0].t - .[5].t)] | med * 1000 | round) ms; above node -e 0 without the CA file: \([.[] | (.[0].t - .[6].t)] | med * 1000 | round) ms"' "$work/none.jsonl"

echo
echo "== start-to-exit of true on a bridge network: $runs interleaved rounds"
interleave bridge_names bridge_cmds "$work/bridge.jsonl"
report "$work/bridge.jsonl"

if [ "$scale" = 1 ]; then
  echo
  bash bench/scale.sh
fi
