// --explain: the book's chapter, live. Each engine or C-core event becomes one plain sentence.
import { mountFlagNames, RLIMITS, CAPABILITIES } from '../sys/linux-constants';
import type { Fields } from './log';

type Render = (f: Fields) => string;

const s = (v: unknown) => String(v ?? '');
const flags = (v: unknown) => {
  const names = mountFlagNames(Number(v ?? 0));
  return names.length ? names.join('|') : 'no flags';
};
const rlimitName = (n: unknown) => Object.keys(RLIMITS).find((k) => RLIMITS[k] === Number(n)) ?? `rlimit ${s(n)}`;
const capNames = (mask: unknown) => {
  const m = BigInt(s(mask) || '0');
  const names = CAPABILITIES.filter((_, i) => (m >> BigInt(i)) & 1n).map((c) => c.slice(4));
  return names.length ? names.join(', ') : 'none';
};

const renderers: Record<string, Render> = {
  // engine
  'image-builtin': (f) => `built the default image ${s(f.ref)} from the host's static busybox (${s(f.binary)})`,
  'container-create': (f) => `created container ${s(f.id)}${f.name ? ` named ${s(f.name)}` : ''} from image ${s(f.image)}`,
  'name-reserve': (f) => `reserved the name ${s(f.name)} (atomic symlink ${s(f.path)})`,
  'overlay-mount': (f) =>
    `mounted overlayfs on ${s(f.target)}: read-only layer(s) ${s(f.lower)} below, writable upper dir ${s(f.upper)} (work dir ${s(f.work)})`,
  'overlay-unmount': (f) => `unmounted the container's overlayfs at ${s(f.target)}`,
  'etc-files': (f) => `wrote /etc/hostname, /etc/hosts and /etc/resolv.conf for the container in ${s(f.dir)}`,
  'bundle-write': (f) => `wrote the OCI runtime bundle ${s(f.path)} (config.json per the OCI runtime spec, rootfs ${s(f.rootfs)})`,
  'plan': (f) => `converted config.json into an init plan for the C core (${s(f.bytes)} bytes, ${s(f.mounts)} mounts, ${s(f.devices)} devices)`,
  'spawn': (f) => `started the C core ${s(f.path)} (pid ${s(f.pid)}) and sent it the plan`,
  'cgroup-create': (f) => `created cgroup ${s(f.path)}`,
  'cgroup-write': (f) => `wrote ${s(f.value)} to ${s(f.path)}`,
  'cgroup-remove': (f) => `removed cgroup ${s(f.path)}`,
  'go': () => `told the container init to continue: its cgroup is ready`,
  'exit': (f) => (f.signal ? `the container was killed by signal ${s(f.signal)}` : `the container exited with code ${s(f.code)}`),
  'container-remove': (f) => `removed container ${s(f.id)} and its writable layer`,
  'volume-create': (f) => `created volume ${s(f.name)} at ${s(f.path)}`,
  'volume-seed': (f) => `seeded the new volume from the image: copied ${s(f.entries)} entries of ${s(f.from)} into ${s(f.to)}`,
  'volume-remove': (f) => `removed volume ${s(f.name)} (${s(f.path)})`,
  'network-create': (f) => `created network ${s(f.name)}: bridge ${s(f.bridge)} with subnet ${s(f.subnet)}, its masquerade and forward rules, and a CNI configuration list`,
  'network-remove': (f) => `removed network ${s(f.name)}: its rules, its bridge and its configuration list`,
  'netns-new': (f) => `made a new network namespace pinned on ${s(f.path)}, so the CNI plugins can set it up while the container is still being made`,
  'netns-pin': (f) => `pinned the container's network namespace (/proc/${s(f.pid)}/ns/net) on ${s(f.path)}, so CNI DEL can run in it later`,
  'cni-exec': (f) => `ran CNI plugin ${s(f.plugin)} ${s(f.command)} for network ${s(f.network)}, interface ${s(f.ifname)} (${s(f.ms)} ms)`,
  'network-connected': (f) => `connected the container to its networks: ${s(f.networks)}; /etc/hosts of the network's containers rewritten`,
  'network-teardown': (f) => `released the container's networks (${s(f.networks)}): CNI DEL, peers' /etc/hosts, namespace unpinned`,
  'host-command': (f) => `ran ${s(f.command)}`,
  // C core (nsexec)
  'cgroup-join': (f) => `the init moved itself into ${s(f.path).replace(/\/tasks$/, '')} (a task joining by itself needs no grace-period wait)`,
  'setns': (f) => `joined the existing ${s(f.ns)} namespace ${s(f.path)}`,
  'clone': (f) => `created a new ${s(f.ns)} namespace for the container init (clone)`,
  'unshare': (f) => `created a new ${s(f.ns)} namespace now that the init is in its cgroup, so it sees its cgroup as /`,
  'propagation': (f) => `made mount propagation of ${s(f.path)} ${flags(f.flags)} before mounting anything: no mount leaks to the host`,
  'mount': (f) =>
    `mounted ${s(f.src) || 'none'} on ${s(f.dst)} (${s(f.fstype)}; ${flags(f.flags)}${f.data ? `; ${s(f.data)}` : ''})`,
  'mknod': (f) => `created device ${s(f.path)} (${s(f.devtype)} ${s(f.major)}:${s(f.minor)})`,
  'pivot_root': (f) => `pivot_root into ${s(f.rootfs)}; the old root was detached, so the host's files are out of reach`,
  'mask': (f) => `masked ${s(f.path)}`,
  'readonly': (f) => `made ${s(f.path)} read-only`,
  'hostname': (f) => `set the hostname to ${s(f.hostname)} (in the container's UTS namespace)`,
  'loopback': () => `brought up lo in the container's network namespace`,
  'sysctl': (f) => `set sysctl ${s(f.key)}=${s(f.value)}`,
  'rlimit': (f) => `set ${rlimitName(f.resource)} to ${s(f.soft)}:${s(f.hard)}`,
  'terminal': () => `allocated a pseudo-terminal in the container's devpts and made it the controlling terminal`,
  'user': (f) => `switched to uid ${s(f.uid)}, gid ${s(f.gid)} (${s(f.groups)} supplementary groups)`,
  'capabilities': (f) => `dropped capabilities: kept ${capNames(f.effective)}`,
  'keyring': (f) => `joined a new session keyring ${s(f.name)}: the container does not share the host's keys`,
  'seccomp': (f) => `loaded the seccomp filter (${s(f.instructions)} BPF instructions): system calls outside the profile now fail`,
  'idmap': (f) => `wrote the user namespace's ${s(f.file)}: ${s(f.map).trim().replace(/\s+/g, ' ')} (container id, host id, count)`,
  'security': (f) =>
    `security: seccomp ${s(f.seccomp)}${f.seccompRules ? ` (${s(f.seccompRules)} system calls allowed by rule)` : ''}, capabilities ${s(f.capabilities)}, ` +
    `no_new_privs ${f.noNewPrivileges ? 'on' : 'off'}, user namespace ${s(f.userns)}, ${s(f.maskedPaths)} masked and ${s(f.readonlyPaths)} read-only paths` +
    `${f.privileged ? ', privileged' : ''}${f.notEnforced ? `; not enforced here: ${s(f.notEnforced)}` : ''}`,
  'userns-allocate': (f) => `gave the container host ids ${s(f.start)}..${Number(f.start) + Number(f.size) - 1} for its user namespace`,
  'idmap-copy': (f) => `made copies of ${s(f.layers)} image layers with owners shifted for the user namespace (${s(f.key)})`,
  'cgroup-device-filter': (f) => `attached an eBPF device filter to ${s(f.path)} (${s(f.rules ?? '')} rules)`,
  'execve': (f) => `execve ${s(f.path)}: the command replaces the init and runs as PID 1`,
};

export function renderExplanation(component: string, event: string, fields: Fields): string | undefined {
  const render = renderers[event];
  if (render) return render(fields);
  return component === 'nsexec' ? `${event} ${JSON.stringify(fields)}` : undefined;
}
