#!/usr/bin/env bash
# Pull of a multi-layer image from a registry on loopback, side by side in one run (median wall time):
#   mydocker pull into an empty store (fetch, verify, unpack)  |  skopeo copy docker:// → dir: (fetch, verify; no unpack)
#   |  mydocker pull when the image is already there (manifest + config only)
# The image: a busybox rootfs plus LAYERS layers of MB MiB of random bytes each (incompressible), built by umoci
# and pushed by skopeo into Debian's docker-registry on 127.0.0.1:<free port>. Everything is removed on exit.
# Usage: bench/pull.sh [RUNS] [LAYERS] [MB]   (needs root, hyperfine, docker-registry, skopeo, umoci, jq; run `npm ci` first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
layers=${2:-4}
mb=${3:-16}
work=$(mktemp -d /tmp/mydocker-bench-pull-XXXXXX)
reg_pid=
cleanup() {
  if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$work/storage"
cat >"$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done

# the image: busybox rootfs + $layers random layers
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc"
cp /bin/busybox "$work/rootfs/bin/busybox"
ln -s busybox "$work/rootfs/bin/sh"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
umoci init --layout "$work/oci" >/dev/null
umoci new --image "$work/oci:latest" >/dev/null
umoci raw add-layer --image "$work/oci:latest" "$work/rootfs.tar" >/dev/null
for i in $(seq "$layers"); do
  mkdir -p "$work/l$i/data"
  head -c "$((mb << 20))" /dev/urandom >"$work/l$i/data/random$i"
  tar -C "$work/l$i" -cf "$work/l$i.tar" . && rm -rf "$work/l$i"
  umoci raw add-layer --image "$work/oci:latest" "$work/l$i.tar" >/dev/null
  rm -f "$work/l$i.tar"
done
umoci config --image "$work/oci:latest" --config.cmd /bin/sh >/dev/null
ref="127.0.0.1:$port/bench/image:latest"
skopeo copy -q --dest-tls-verify=false "oci:$work/oci:latest" "docker://$ref"
size=$(du -sm "$work/storage" | cut -f1)

md="$PWD/bin/mydocker --root $work/md/root --runroot $work/md/run"
md2="$PWD/bin/mydocker --root $work/md2/root --runroot $work/md2/run"
$md2 pull -q "$ref" >/dev/null   # a store that already has the image
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/h.json" \
  -n 'mydocker pull (empty store)' --prepare "rm -rf $work/md" "$md pull -q $ref" \
  -n 'skopeo copy to dir:' --prepare "rm -rf $work/skopeo" "skopeo copy -q --src-tls-verify=false docker://$ref dir:$work/skopeo" \
  -n 'mydocker pull (up to date)' --prepare 'true' "$md2 pull -q $ref" >/dev/null

echo "pull of $((layers + 1)) layers (~${size} MiB in the registry) from 127.0.0.1, median of $runs runs ($(nproc) CPUs, $(uname -r))"
jq -r '.results[] | "\(.command)\t\(.median*1000|round) ms\t(min \(.min*1000|round), max \(.max*1000|round))"' "$work/h.json" | column -t -s $'\t'
jq -r '(.results[0].median / .results[1].median) as $r | "mydocker / skopeo = \($r*100|round/100)x (mydocker also unpacks every layer; skopeo only stores the blobs)"' "$work/h.json"
