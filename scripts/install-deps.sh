#!/usr/bin/env bash
# System packages mydocker and its tests need (Debian 12). Idempotent.
set -euo pipefail
packages=(
  busybox-static   # the built-in default image is made from the host's static busybox
  runc             # side-by-side bench and OCI bundle compatibility tests
  hyperfine        # bench/
  iproute2 procps util-linux python3 jq
  tini             # run --init: /usr/bin/tini-static is bound into the container as its PID 1
  crun             # run --runtime crun: its refusal of this hybrid cgroup host is tested
  buildah          # build tests: the same Dockerfile under buildah bud gives the same config and files; bench/build.sh
  containernetworking-plugins  # CNI plugins (bridge, host-local, portmap) that networks run
  iptables                     # NAT and forwarding rules of bridge networks; the plugins call it too
  curl                         # network tests reach published ports from the host
  docker-registry  # image tests: a real registry on loopback (pull, push, login)
  skopeo umoci     # image tests: an OCI layout built and pushed by other tools; bench/pull.sh
  podman           # archive tests: podman save/load both ways (runs with runc, private storage)
  apache2-utils    # htpasswd, when python3's crypt module cannot make a bcrypt hash
  libseccomp-dev   # the C core compiles seccomp filters with libseccomp (linked statically)
  containerd       # runtime tests: ctr and the CRI plugin drive bin/mydocker-runtime
  docker.io        # runtime tests: a private dockerd with --add-runtime mydocker
  docker-compose debootstrap  # API client tests: compose 1.29 drives the service; the app's images are a debootstrap rootfs
  uidmap           # rootless mode: newuidmap/newgidmap map a user's /etc/subuid range into its user namespace
  passt            # rootless mode: pasta gives containers user-mode networking and forwards -p ports
  slirp4netns      # rootless mode: the other user-mode network (--network slirp4netns; default without pasta)
  fuse-overlayfs   # rootless mode: the rootfs where the kernel refuses overlayfs in a user namespace
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Rootless mode opens /dev/net/tun (pasta) and /dev/fuse (fuse-overlayfs) as a normal user. udev gives both
# mode 0666 on a usual Debian host; machines without udev (this VM) leave the kernel's 0600.
for node in /dev/net/tun /dev/fuse; do
  [[ -c $node ]] && chmod 0666 "$node"
done

# The API client tests' flask + redis images are a Debian rootfs made from the same apt mirror: built
# here, at set-up (once per machine, cached), so the tests themselves never reach past this machine.
bash "$(dirname "$0")/../test/fixtures/make-app-images.sh" >/dev/null
