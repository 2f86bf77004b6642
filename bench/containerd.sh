#!/usr/bin/env bash
# Start-to-exit latency of `ctr run --rm busybox true` through a private containerd (runc shim v2), side by side in one run:
#   A: the shim calls runc  |  B: the shim calls bin/mydocker-runtime (`ctr run --runc-binary`), pairs interleaved A B A B …
# The containerd (own root, state, socket; see test/helpers/containerd.ts) is stopped and everything it made removed on exit.
# Usage: bench/containerd.sh [PAIRS] [RUNTIME]   (root, hyperfine, containerd, jq; run `npm ci` first, which builds build/)
#        RUNTIME defaults to bin/mydocker-runtime; bench/containerd.sh 20 /usr/sbin/runc gives the A/A noise floor.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-20}
runtime=$(realpath -m "${2:-bin/mydocker-runtime}")
helper=$PWD/build/test/helpers/containerd.js
[ -x "$runtime" ] || { echo "no runtime at $runtime (build it, or pass a runc-compatible binary as the 2nd argument)" >&2; exit 1; }
[ -f "$helper" ] || { echo "$helper is missing: run 'npx tsc -p tsconfig.json' first" >&2; exit 1; }
work=$(mktemp -d /tmp/mydocker-bench-ctd-XXXXXX)
holder=
cleanup() {
  if [ -n "$holder" ]; then
    kill -TERM "$holder" 2>/dev/null || true
    wait "$holder" || { echo "the private containerd was not removed cleanly:" >&2; cat "$work/holder.log" >&2; }
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The holder starts the containerd, writes where it is to ctd.json, and on SIGTERM stops it and checks that nothing is left.
node -e '
  const [helper, runtime, out] = process.argv.slice(1);
  const { PrivateContainerd } = require(helper);
  const started = PrivateContainerd.start({ name: "bench", runtimeBinary: runtime });
  process.once("SIGTERM", async () => {
    const ctd = await started.catch(() => undefined);   // a failed start has cleaned up after itself
    if (!ctd) return;
    try { await ctd.stop(); } catch (err) { console.error(String(err)); process.exitCode = 1; }
    const left = ctd.leftovers();
    if (left.length) { console.error("left: " + left.join(", ")); process.exitCode = 1; }
  });
  started.then((ctd) => {
    const info = { address: ctd.address, namespace: ctd.namespace, root: ctd.runtimeRoot, fifo: ctd.fifoDir };
    require("fs").writeFileSync(out + ".tmp", JSON.stringify(info));
    require("fs").renameSync(out + ".tmp", out);
  }, (err) => { console.error(String(err)); process.exitCode = 1; });
' "$helper" "$runtime" "$work/ctd.json" >"$work/holder.log" 2>&1 &
holder=$!
for _ in $(seq 600); do
  [ -s "$work/ctd.json" ] && break
  kill -0 "$holder" 2>/dev/null || { cat "$work/holder.log" >&2; holder=; exit 1; }
  sleep 0.1
done
[ -s "$work/ctd.json" ] || { echo "containerd did not come up within 60 s" >&2; exit 1; }
read -r address namespace root fifo < <(jq -r '"\(.address) \(.namespace) \(.root) \(.fifo)"' "$work/ctd.json")

ctr_run() { # ctr_run RUNTIME ID: the command line, as hyperfine -N splits it
  echo "ctr --address $address --namespace $namespace run --rm --runc-binary $1 --runc-root $root --fifo-dir $fifo docker.io/library/busybox:latest $2 true"
}
a=$(ctr_run /usr/sbin/runc bench-a)
b=$(ctr_run "$runtime" bench-b)
$a && $b   # warm-up: the first run of each pays for cold caches

for i in $(seq "$pairs"); do
  hyperfine -N --runs 1 --style none --export-json "$work/pair-$i.json" -n A "$a" -n B "$b" >/dev/null
done

echo "ctr run --rm busybox true through a private containerd $(containerd --version | awk '{print $3}'), $pairs interleaved pairs (A B A B …), $(nproc) CPUs, $(uname -r)"
jq -rs --arg runtime "$runtime" '
  def med: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def ms: . * 1000 | . * 10 | round / 10;
  [.[] | .results[0].times[0]] as $a | [.[] | .results[1].times[0]] as $b |
  [range(0; $a | length) as $i | $b[$i] / $a[$i]] as $r |
  ["", "median ms", "min–max ms"],
  ["A  runc (/usr/sbin/runc)", ($a | med | ms), "\($a | min | ms)–\($a | max | ms)"],
  ["B  \($runtime)", ($b | med | ms), "\($b | min | ms)–\($b | max | ms)"],
  ["B/A (per pair)", ($r | med | . * 100 | round / 100), "\($r | min | . * 100 | round / 100)–\($r | max | . * 100 | round / 100)"]
  | @tsv' "$work"/pair-*.json | column -t -s $'\t'
