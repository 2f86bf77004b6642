#!/usr/bin/env bash
# Scale (docs/performance.md): 100 detached containers started one after another (wall time), 50 started in
# parallel (errors, and what is left after rm -f), `ps` and `ps -a` over 100 containers (hyperfine median), and the
# resident memory of the per-container monitors (VmRSS and Pss). Default bridge network, as `docker run -d` would.
# Usage: bench/scale.sh [N_SEQUENTIAL] [N_PARALLEL]   (root, hyperfine, jq; run `npm ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
nseq=${1:-100}
npar=${2:-50}
work=$(mktemp -d /tmp/mydocker-scale-XXXXXX)
md="$PWD/bin/mydocker --root $work/root --runroot $work/run"
cleanup() {
  set +e
  $md rm -f $($md ps -aq 2>/dev/null) >/dev/null 2>&1
  $md system reset --force >/dev/null 2>&1
  for m in $(findmnt -rn -o TARGET | grep "^$work" | sort -r); do umount -l "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

$md run --rm busybox true >/dev/null   # the built-in image and the default network exist before timing

echo "== scale ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
t=$(date +%s%N)
for i in $(seq 1 "$nseq"); do $md run -d busybox sleep 3600 >/dev/null; done
total=$(ms "$t")
echo "$nseq x run -d one after another: $total ms ($(( total / nseq )) ms each; target ≤ 10000 ms for 100)"

hyperfine -N --warmup 2 --runs 15 --export-json "$work/ps.json" "$md ps" "$md ps -a" >/dev/null 2>&1
jq -r --arg n "$nseq" '.results[] | "\(.command | sub(".*--runroot [^ ]+ "; "mydocker ")) over \($n) containers: median \(.median*1000|round) ms (min \(.min*1000|round), max \(.max*1000|round))"' "$work/ps.json"
echo "(target: ps ≤ 150 ms over 100)"

rss=() pss=()
for id in $($md ps -q --no-trunc); do
  pid=$(jq -r .monitorPid "$work/run/runtime/$id/state.json")
  rss+=("$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")")
  pss+=("$(awk '/^Pss:/{print $2}' "/proc/$pid/smaps_rollup")")
done
printf '%s\n' "${rss[@]}" | sort -n | awk '{a[NR]=$1; s+=$1} END {printf "monitor VmRSS over %d monitors: median %d KiB, max %d KiB (target ≤ 1024 KiB)\n", NR, a[int((NR+1)/2)], a[NR]}'
printf '%s\n' "${pss[@]}" | sort -n | awk '{a[NR]=$1} END {printf "monitor Pss (shared pages split among the monitors): median %d KiB\n", a[int((NR+1)/2)]}'

t=$(date +%s%N)
$md rm -f $($md ps -aq) >/dev/null
echo "rm -f of $nseq in one command: $(ms "$t") ms"

t=$(date +%s%N)
fail=0
for i in $(seq 1 "$npar"); do ($md run -d busybox sleep 3600 >/dev/null 2>"$work/par.$i.err" || echo "$i" >>"$work/par.failed") & done
wait
[ -f "$work/par.failed" ] && fail=$(wc -l <"$work/par.failed")
echo "$npar x run -d in parallel: $(ms "$t") ms, $fail failed$([ "$fail" -gt 0 ] && echo ": $(cat "$work"/par.*.err | head -3 | tr '\n' ' ')")"
running=$($md ps -q | wc -l)
$md rm -f $($md ps -aq) >/dev/null
mounts=$(findmnt -rn -o TARGET | grep -c "^$work" || true)
cg=0; for h in /sys/fs/cgroup/*/mydocker; do cg=$((cg + $(find "$h" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l))); done
leases=$(find "$work/run/networks/ipam" -name '[0-9]*.[0-9]*' 2>/dev/null | wc -l)
echo "after rm -f: $running were running; left: $mounts mounts, $leases leases, $cg container cgroups under /mydocker (all engines)"
