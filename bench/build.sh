#!/usr/bin/env bash
# mydocker build vs buildah bud (Debian's buildah, vfs storage, chroot isolation) on the same Dockerfile from busybox:
# a COPY of a few MiB, three RUN steps, metadata steps. Two cases, each tool in its own store (median wall time):
#   cold: every step runs (mydocker --no-cache / buildah bud --no-cache)   |   cached: an unchanged rebuild.
# Usage: bench/build.sh [RUNS]   (needs root, hyperfine, buildah; build mydocker first). Everything is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d /tmp/mydocker-bench-build-XXXXXX)
md="bin/mydocker --root $work/md-root --runroot $work/md-run"
bh="buildah --root $work/bh-root --runroot $work/bh-run --storage-driver vfs"
cleanup() {
  $bh rmi -a -f >/dev/null 2>&1 || true
  umount -R "$work/bh-root" 2>/dev/null || true
  $md system prune -a -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/ctx"
head -c $((4 << 20)) /dev/urandom >"$work/ctx/blob"
cat >"$work/ctx/Dockerfile" <<'DF'
FROM busybox
ENV APP=/app
WORKDIR /app
COPY blob /app/blob
RUN md5sum /app/blob > /app/sum
RUN mkdir -p /app/data && for i in 1 2 3 4 5; do echo $i > /app/data/$i; done
RUN rm /bin/vi
USER 1000
CMD ["cat", "/app/sum"]
DF
$md save -o "$work/busybox.tar" busybox
$md build -q "$work/ctx" >/dev/null
$bh bud --isolation chroot -q -t bench --from "docker-archive:$work/busybox.tar" "$work/ctx" >/dev/null
hyperfine -N -w 1 -r "$runs" \
  -n 'mydocker build (cold)' "$md build -q --no-cache $work/ctx" \
  -n 'buildah bud (cold)' "$bh bud --isolation chroot -q --no-cache -t bench --from docker-archive:$work/busybox.tar $work/ctx" \
  -n 'mydocker build (cached)' "$md build -q $work/ctx" \
  -n 'buildah bud (cached)' "$bh bud --isolation chroot -q --layers -t bench --from docker-archive:$work/busybox.tar $work/ctx"
