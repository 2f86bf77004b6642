#!/usr/bin/env bash
# Start-to-exit latency of `docker run --rm --network none busybox true` through two Engine APIs, side by side in one run,
# with the same docker CLI:
#   A: a real dockerd (Debian docker.io; private data-root, exec-root and socket, --iptables=false --bridge=none; busybox
#      loaded from `bin/mydocker save`)  |  B: `mydocker system service` on a private store; pairs interleaved A B A B …
# --network none on both: dockerd's containers get no network with --bridge=none, while mydocker's default is a bridge
# network with a veth pair. Both engines (test/helpers/dockerd.ts, engine-service.ts) are stopped and everything they
# made removed on exit.
# Usage: bench/engine-api.sh [PAIRS] [B]   (root, hyperfine, dockerd, docker, jq; run `npm ci` first, which builds build/)
#        B is mydocker (default) or dockerd: bench/engine-api.sh 20 dockerd runs a second private dockerd, the A/A noise floor.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-20}
side_b=${2:-mydocker}
helpers=$PWD/build/test/helpers
case $side_b in mydocker | dockerd) ;; *) echo "B must be mydocker or dockerd, not $side_b" >&2; exit 2 ;; esac
[ -f "$helpers/engine-service.js" ] || { echo "$helpers/engine-service.js is missing: run 'npx tsc -p tsconfig.json' first" >&2; exit 1; }
if [ "$side_b" = mydocker ] && ! bin/mydocker system service --help >/dev/null 2>&1; then
  echo "bin/mydocker has no 'system service' yet (bench/engine-api.sh 20 dockerd runs the A/A comparison meanwhile)" >&2
  exit 1
fi
work=$(mktemp -d /tmp/mydocker-bench-api-XXXXXX)
holder=
cleanup() {
  if [ -n "$holder" ]; then
    kill -TERM "$holder" 2>/dev/null || true
    wait "$holder" || { echo "the engines were not removed cleanly:" >&2; cat "$work/holder.log" >&2; }
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The holder starts both engines, writes their sockets to api.json, and on SIGTERM stops them and checks that nothing is left.
node -e '
  const [helpers, sideB, out] = process.argv.slice(1);
  const { Dockerd } = require(helpers + "/dockerd.js");
  const { EngineService } = require(helpers + "/engine-service.js");
  const startDockerd = async (name) => {
    const d = await Dockerd.start(name, { runtime: "/usr/sbin/runc" });
    try { d.loadBusybox(); } catch (err) { d.stop(); throw err; }
    return { socket: d.socket, stop: async () => d.stop() };
  };
  const engines = [];
  const alive = setInterval(() => {}, 1 << 30);   // nothing else keeps node running: the engines are detached
  const started = (async () => {
    engines.push(await startDockerd("bench-a"));
    engines.push(sideB === "dockerd" ? await startDockerd("bench-b") : await EngineService.start("bench"));
  })();
  const stopAll = async () => {
    for (const e of engines.splice(0)) {
      try {
        const left = await e.stop();
        if (left.length) { console.error("left: " + left.join(", ")); process.exitCode = 1; }
      } catch (err) { console.error(String(err)); process.exitCode = 1; }
    }
  };
  process.once("SIGTERM", async () => {
    clearInterval(alive);
    await started.catch(() => undefined);
    await stopAll();
  });
  started.then(() => {
    require("fs").writeFileSync(out + ".tmp", JSON.stringify({ a: engines[0].socket, b: engines[1].socket }));
    require("fs").renameSync(out + ".tmp", out);
  }, async (err) => {   // the one that started is stopped; the one that failed has cleaned up after itself
    console.error(String(err));
    process.exitCode = 1;
    await stopAll();
    clearInterval(alive);
  });
' "$helpers" "$side_b" "$work/api.json" >"$work/holder.log" 2>&1 &
holder=$!
for _ in $(seq 900); do
  [ -s "$work/api.json" ] && break
  kill -0 "$holder" 2>/dev/null || { cat "$work/holder.log" >&2; holder=; exit 1; }
  sleep 0.1
done
[ -s "$work/api.json" ] || { echo "the engines did not come up within 90 s" >&2; exit 1; }
read -r sock_a sock_b < <(jq -r '"\(.a) \(.b)"' "$work/api.json")

# no ~/.docker of the user's: the CLI reads its config (contexts, plugins) from an empty dir
export DOCKER_CONFIG=$work/cli
a="docker -H unix://$sock_a run --rm --network none busybox true"
b="docker -H unix://$sock_b run --rm --network none busybox true"
$a && $b   # warm-up: the first run of each pays for cold caches (and makes mydocker's built-in busybox)
for sock in "$sock_a" "$sock_b"; do   # both really run the container: its output and exit code come back
  out=$(docker -H "unix://$sock" run --rm --network none busybox sh -c 'echo ran; exit 3') && rc=0 || rc=$?
  [ "$out/$rc" = ran/3 ] || { echo "docker run through $sock gave '$out', exit $rc (expected 'ran', exit 3)" >&2; exit 1; }
done

for i in $(seq "$pairs"); do
  hyperfine -N --runs 1 --style none --export-json "$work/pair-$i.json" -n A "$a" -n B "$b" >/dev/null
done

api_b=$(docker -H "unix://$sock_b" version --format '{{.Server.Version}}, API {{.Server.APIVersion}}')
echo "docker run --rm --network none busybox true, docker CLI $(docker -H "unix://$sock_a" version --format '{{.Client.Version}}'),"
echo "$pairs interleaved pairs (A B A B …), $(nproc) CPUs, $(uname -r)"
jq -rs --arg a "dockerd $(dockerd --version | awk '{print $3}' | tr -d ,)" --arg b "$([ "$side_b" = mydocker ] && echo "mydocker system service ($api_b)" || echo "a second dockerd ($api_b)")" '
  def med: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def ms: . * 1000 | . * 10 | round / 10;
  [.[] | .results[0].times[0]] as $ta | [.[] | .results[1].times[0]] as $tb |
  [range(0; $ta | length) as $i | $tb[$i] / $ta[$i]] as $r |
  ["", "median ms", "min–max ms"],
  ["A  \($a)", ($ta | med | ms), "\($ta | min | ms)–\($ta | max | ms)"],
  ["B  \($b)", ($tb | med | ms), "\($tb | min | ms)–\($tb | max | ms)"],
  ["B/A (per pair)", ($r | med | . * 100 | round / 100), "\($r | min | . * 100 | round / 100)–\($r | max | . * 100 | round / 100)"]
  | @tsv' "$work"/pair-*.json | column -t -s $'\t'
