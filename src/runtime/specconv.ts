// OCI runtime spec (config.json) → InitPlan for the C core. Pure: every fact about the host
// (cgroup mounts, whether a bind source is a file) comes in through HostFacts.
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import { CAPABILITIES, CLONE, MS, RLIMITS } from '../sys/linux-constants';
import type { InitPlan, PlanCaps, PlanDevice, PlanHook, PlanMount } from './plan';
import type { Hook, IdMapping, LinuxSeccomp, Mount, NamespaceType, Process, Spec } from './spec';

export interface CgroupHierarchy {
  /** Directory name under /sys/fs/cgroup, e.g. "memory", "cpu,cpuacct", "systemd", "unified". */
  dirName: string;
  /** Mount data: "memory", "cpu,cpuacct", "none,name=systemd"; empty for cgroup2. */
  options: string;
  version: 1 | 2;
}

export interface HostFacts {
  /** Hierarchies as the host mounts them; the container gets the same shape. */
  cgroupHierarchies: CgroupHierarchy[];
  /** Whether the host's cgroup2 mount is /sys/fs/cgroup itself (v2-only hosts). */
  cgroupUnifiedOnly: boolean;
  sourceKind(source: string): 'file' | 'dir' | 'missing';
  hasProcKcore: boolean;
  /** The runtime itself runs in a user namespace (rootless mode): the container is in one even without its own. */
  inUserns?: boolean;
}

export interface ConvertOptions {
  bundleDir: string;
  /** stage-0 exits once the init exists (OCI create, detached run); otherwise it relays and waits. */
  detach: boolean;
  stdinRelay: boolean;
  /** exec -it --detach-keys (see InitPlan.detachKeys). */
  detachKeys?: string;
  execFifo?: string;
  consoleSocket?: string;
  log: boolean;
  keepFds?: number[];
  /** Where the init puts itself: v1 `tasks` files, and the cgroup2 directory to be cloned into. */
  cgroup?: { joinFiles: string[]; cgroup2Dir?: string; dirs?: Record<string, string> };
  /** The compiled linux.seccomp (src/runtime/seccomp.ts); required when the spec has one. */
  seccomp?: { bpf: Buffer; flags: number };
  /** A fresh session keyring of this name for the process (runc's "_ses.<id>"). */
  sessionKeyring?: string;
  /** runc's --no-pivot. */
  noPivot?: boolean;
}

const NS_FLAGS: Record<NamespaceType, number> = {
  pid: CLONE.NEWPID, network: CLONE.NEWNET, mount: CLONE.NEWNS, ipc: CLONE.NEWIPC, uts: CLONE.NEWUTS,
  user: CLONE.NEWUSER, cgroup: CLONE.NEWCGROUP, time: CLONE.NEWTIME,
};

const FLAG_OPTIONS: Record<string, { set?: number; clear?: number }> = {
  defaults: {}, ro: { set: MS.RDONLY }, rw: { clear: MS.RDONLY }, suid: { clear: MS.NOSUID }, nosuid: { set: MS.NOSUID },
  dev: { clear: MS.NODEV }, nodev: { set: MS.NODEV }, exec: { clear: MS.NOEXEC }, noexec: { set: MS.NOEXEC },
  sync: { set: MS.SYNCHRONOUS }, async: { clear: MS.SYNCHRONOUS }, remount: { set: MS.REMOUNT },
  mand: { set: MS.MANDLOCK }, nomand: { clear: MS.MANDLOCK }, dirsync: { set: MS.DIRSYNC },
  atime: { clear: MS.NOATIME }, noatime: { set: MS.NOATIME }, diratime: { clear: MS.NODIRATIME },
  nodiratime: { set: MS.NODIRATIME }, relatime: { set: MS.RELATIME }, norelatime: { clear: MS.RELATIME },
  strictatime: { set: MS.STRICTATIME }, nostrictatime: { clear: MS.STRICTATIME }, nosymfollow: { set: MS.NOSYMFOLLOW },
  bind: { set: MS.BIND }, rbind: { set: MS.BIND | MS.REC },
};

const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC, unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

/** runc-only options with no kernel meaning; dropped rather than passed as mount data. */
const IGNORED_OPTIONS = new Set(['tmpcopyup', 'rro', 'rrw']);

export interface ParsedMountOptions {
  flags: number;
  propagation: number;
  data: string[];
}

export function parseMountOptions(options: readonly string[] = []): ParsedMountOptions {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  for (const opt of options) {
    const f = FLAG_OPTIONS[opt];
    if (f) {
      flags = (flags | (f.set ?? 0)) & ~(f.clear ?? 0);
    } else if (PROPAGATION[opt] !== undefined) {
      propagation = PROPAGATION[opt];
    } else if (!IGNORED_OPTIONS.has(opt)) {
      data.push(opt);
    }
  }
  return { flags, propagation, data };
}

const DEFAULT_DEVICES: PlanDevice[] = [
  ['null', 1, 3], ['zero', 1, 5], ['full', 1, 7], ['random', 1, 8], ['urandom', 1, 9], ['tty', 5, 0],
].map(([name, major, minor]) => ({
  path: `/dev/${name}`, type: 'c', major: major as number, minor: minor as number, mode: 0o666, uid: 0, gid: 0,
}));

export function capsMask(names: readonly string[] | undefined): bigint {
  let mask = 0n;
  for (const name of names ?? []) {
    const bit = CAPABILITIES.indexOf(name.toUpperCase() as (typeof CAPABILITIES)[number]);
    if (bit < 0) throw new InvalidArgumentError(`unknown capability ${JSON.stringify(name)}`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** RLIM_INFINITY is 2^64-1; JSON numbers above 2^53 are imprecise, so anything huge means unlimited. */
function rlimitValue(v: number): bigint {
  if (!Number.isFinite(v) || v < 0) throw new InvalidArgumentError(`invalid rlimit value ${v}`);
  return v >= 2 ** 63 ? 0xffffffffffffffffn : BigInt(Math.floor(v));
}

function cleanDestination(dest: string): string {
  if (!dest.startsWith('/')) dest = '/' + dest; // the spec allows relative destinations (relative to /)
  return path.posix.normalize(dest).replace(/\/+$/, '') || '/';
}

/** What a user namespace changes: filesystems its root may not mount are bound from the host. */
interface UsernsContext { inUserns: boolean; ownNetns: boolean; ownPidns: boolean }

function convertMount(m: Mount, opts: ConvertOptions, host: HostFacts, ns: UsernsContext): PlanMount[] {
  const dst = cleanDestination(m.destination);
  const parsed = parseMountOptions(m.options);
  if (m.type === 'cgroup') return ns.inUserns ? cgroupBinds(dst, parsed.flags, host, opts) : cgroupMounts(dst, parsed.flags, host);
  // sysfs may be mounted in a user namespace only with a network namespace it owns
  if (m.type === 'sysfs' && ns.inUserns && !ns.ownNetns) {
    return [{ src: '/sys', dst, flags: MS.BIND | MS.REC | (parsed.flags & MS.RDONLY), bind: true, propagation: MS.PRIVATE | MS.REC }];
  }
  // and proc only with a pid namespace it owns (--pid host in rootless mode): the host's /proc instead
  if (m.type === 'proc' && ns.inUserns && !ns.ownPidns) {
    return [{ src: '/proc', dst, flags: MS.BIND | MS.REC, bind: true, propagation: MS.PRIVATE | MS.REC }];
  }
  const bind = m.type === 'bind' || (parsed.flags & MS.BIND) !== 0;
  if (bind) {
    if (!m.source) throw new InvalidArgumentError(`mount ${dst}: bind mount needs a source`);
    const src = path.resolve(opts.bundleDir, m.source);
    const kind = host.sourceKind(src);
    if (kind === 'missing') throw new InvalidArgumentError(`mount ${dst}: source ${src} does not exist`);
    return [{
      src, dst, flags: parsed.flags | MS.BIND, propagation: parsed.propagation, bind: true, mkfile: kind === 'file',
    }];
  }
  return [{
    src: m.source ?? m.type ?? 'none', dst, fstype: m.type ?? 'none', data: parsed.data.join(',') || undefined,
    flags: parsed.flags, propagation: parsed.propagation,
  }];
}

/** A "cgroup" mount becomes the host's layout seen through the container's cgroup namespace. */
function cgroupMounts(dst: string, flags: number, host: HostFacts): PlanMount[] {
  const base = flags & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
  if (host.cgroupUnifiedOnly) return [{ src: 'cgroup2', dst, fstype: 'cgroup2', flags: base }];
  const mounts: PlanMount[] = [
    { src: 'tmpfs', dst, fstype: 'tmpfs', data: 'mode=755', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC },
  ];
  // On a hybrid host only the v1 hierarchies are shown, as runc shows them: the cgroup2 mount there
  // holds no controller a container could use.
  for (const h of host.cgroupHierarchies.filter((x) => x.version === 1)) {
    mounts.push(h.version === 2
      ? { src: 'cgroup2', dst: `${dst}/${h.dirName}`, fstype: 'cgroup2', flags: base }
      : { src: h.options.startsWith('none,name=') ? h.dirName : 'cgroup', dst: `${dst}/${h.dirName}`, fstype: 'cgroup', data: h.options, flags: base });
  }
  if (base & MS.RDONLY) {
    mounts.push({ src: 'tmpfs', dst, fstype: 'tmpfs', flags: MS.REMOUNT | base, data: 'mode=755' });
  }
  return mounts;
}

/** v1 hierarchies cannot be mounted in a user namespace: the container's own cgroup dirs are bound instead. */
function cgroupBinds(dst: string, flags: number, host: HostFacts, opts: ConvertOptions): PlanMount[] {
  const base = flags & (MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC);
  const dirs = opts.cgroup?.dirs ?? {};
  const mounts: PlanMount[] = [{ src: 'tmpfs', dst, fstype: 'tmpfs', data: 'mode=755', flags: MS.NOSUID | MS.NODEV | MS.NOEXEC }];
  for (const h of host.cgroupHierarchies) {
    const src = dirs[h.dirName];
    if (src) mounts.push({ src, dst: host.cgroupUnifiedOnly ? dst : `${dst}/${h.dirName}`, flags: MS.BIND | base, bind: true });
  }
  if (base & MS.RDONLY) mounts.push({ src: 'tmpfs', dst, fstype: 'tmpfs', flags: MS.REMOUNT | base, data: 'mode=755' });
  return host.cgroupUnifiedOnly ? mounts.slice(1, 2) : mounts;
}

/** The namespaces a process joins to enter a running container (docker exec). */
export const EXEC_NAMESPACES: [NamespaceType, string][] = [
  ['ipc', 'ipc'], ['uts', 'uts'], ['network', 'net'], ['pid', 'pid'], ['cgroup', 'cgroup'], ['mount', 'mnt'],
];

/**
 * A plan that enters the namespaces of a running init instead of making new ones: no rootfs work.
 * `userns`: the init has a user namespace of its own, which is joined first.
 */
export function execPlan(
  proc: Process, initPid: number, opts: Omit<ConvertOptions, 'bundleDir'>, userns = false, seccomp?: LinuxSeccomp,
): InitPlan {
  const joins: [NamespaceType, string][] = userns ? [['user', 'user'], ...EXEC_NAMESPACES] : EXEC_NAMESPACES;
  const spec: Spec = {
    ociVersion: '1.0.2',
    process: proc,
    root: { path: `/proc/${initPid}/root` },
    linux: { namespaces: joins.map(([type, file]) => ({ type, path: `/proc/${initPid}/ns/${file}` })), ...(seccomp ? { seccomp } : {}) },
  };
  const host: HostFacts = { cgroupHierarchies: [], cgroupUnifiedOnly: false, sourceKind: () => 'missing', hasProcKcore: false };
  return specToPlan(spec, { ...opts, bundleDir: '/' }, host);
}

/**
 * What config.json may ask for that this runtime does not do: refused by name rather than ignored,
 * so a caller never believes a container got something it did not. (SELinux labels are ignored as
 * runc ignores them on a host without SELinux.)
 */
function refuseUnapplied(spec: Spec): void {
  const none = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0) || v === '';
  const refused: [string, unknown][] = [
    ['process.apparmorProfile (this host has no AppArmor)', spec.process?.apparmorProfile],
    ['process.ioPriority', spec.process?.ioPriority], ['process.scheduler', spec.process?.scheduler],
    ['process.execCPUAffinity', spec.process?.execCPUAffinity],
    ['linux.intelRdt', spec.linux?.intelRdt], ['linux.personality', spec.linux?.personality], ['linux.timeOffsets', spec.linux?.timeOffsets],
    ['linux.memoryPolicy', spec.linux?.memoryPolicy], ['linux.resources.unified', spec.linux?.resources?.unified],
    ['linux.resources.rdma', spec.linux?.resources?.rdma], ['linux.resources.network', spec.linux?.resources?.network],
  ];
  const asked = refused.filter(([, v]) => !none(v)).map(([k]) => k);
  if (asked.length) throw new InvalidArgumentError(`config.json asks for what this runtime does not apply: ${asked.join(', ')}`);
}

export function specToPlan(spec: Spec, opts: ConvertOptions, host: HostFacts): InitPlan {
  refuseUnapplied(spec);
  const proc = spec.process;
  if (!proc) throw new InvalidArgumentError('config.json: process is required');
  if (!proc.args?.length) throw new InvalidArgumentError('config.json: process.args must not be empty');
  if (!proc.cwd?.startsWith('/')) throw new InvalidArgumentError(`config.json: process.cwd must be absolute, got ${JSON.stringify(proc.cwd)}`);
  if (!spec.root?.path) throw new InvalidArgumentError('config.json: root.path is required');
  const linux = spec.linux ?? {};

  let nsCreate = 0;
  const nsJoin: InitPlan['nsJoin'] = [];
  let cgroupnsLate = false;
  for (const ns of linux.namespaces ?? []) {
    const flag = NS_FLAGS[ns.type];
    if (flag === undefined) throw new InvalidArgumentError(`config.json: unknown namespace type ${JSON.stringify(ns.type)}`);
    if (ns.path) nsJoin.push({ type: flag, path: ns.path });
    else if (ns.type === 'cgroup') cgroupnsLate = true;
    else nsCreate |= flag;
  }
  const has = (flag: number) => (nsCreate & flag) !== 0;
  if (!has(CLONE.NEWNS) && !nsJoin.some((n) => n.type === CLONE.NEWNS)) {
    throw new InvalidArgumentError('config.json: a mount namespace is required');
  }
  if ((spec.hostname || spec.domainname) && !has(CLONE.NEWUTS)) {
    throw new InvalidArgumentError('config.json: setting the hostname needs a new uts namespace');
  }

  const newUserns = has(CLONE.NEWUSER);
  const inUserns = newUserns || nsJoin.some((n) => n.type === CLONE.NEWUSER) || host.inUserns === true;
  if (newUserns && (!linux.uidMappings?.length || !linux.gidMappings?.length)) {
    throw new InvalidArgumentError('config.json: a new user namespace needs linux.uidMappings and linux.gidMappings');
  }
  if (!newUserns && (linux.uidMappings?.length || linux.gidMappings?.length)) {
    throw new InvalidArgumentError('config.json: uidMappings and gidMappings need a new user namespace');
  }
  if (linux.seccomp && !opts.seccomp) throw new InvalidArgumentError('config.json: linux.seccomp was not compiled');
  const joinsMountNs = nsJoin.some((n) => n.type === CLONE.NEWNS);
  const ns: UsernsContext = { inUserns, ownNetns: has(CLONE.NEWNET), ownPidns: has(CLONE.NEWPID) };
  const mounts = joinsMountNs ? [] : (spec.mounts ?? []).flatMap((m) => convertMount(m, opts, host, ns));
  // Joining an existing mount namespace (exec) means its filesystem is already set up.
  const devBound = joinsMountNs || mounts.some((m) => m.dst === '/dev' && m.bind);
  const devices = new Map<string, PlanDevice>();
  if (!devBound) for (const d of DEFAULT_DEVICES) devices.set(d.path, d);
  for (const d of linux.devices ?? []) {
    if (d.type === 'u') throw new InvalidArgumentError(`config.json: device ${d.path}: type "u" is not supported`);
    devices.set(cleanDestination(d.path), {
      path: cleanDestination(d.path), type: d.type, major: d.major ?? 0, minor: d.minor ?? 0,
      mode: d.fileMode ?? 0o666, uid: d.uid ?? 0, gid: d.gid ?? 0,
    });
  }
  const symlinks: InitPlan['symlinks'] = devBound ? [] : [
    { link: '/dev/fd', target: '/proc/self/fd' },
    { link: '/dev/stdin', target: '/proc/self/fd/0' },
    { link: '/dev/stdout', target: '/proc/self/fd/1' },
    { link: '/dev/stderr', target: '/proc/self/fd/2' },
  ];
  if (!devBound && mounts.some((m) => m.dst === '/dev/pts')) symlinks.push({ link: '/dev/ptmx', target: 'pts/ptmx' });
  if (!devBound && host.hasProcKcore) symlinks.push({ link: '/dev/core', target: '/proc/kcore' });

  let caps: PlanCaps | undefined;
  if (proc.capabilities) {
    const c = proc.capabilities;
    const permitted = capsMask(c.permitted);
    const inheritable = capsMask(c.inheritable);
    // The kernel raises an ambient capability only if it is permitted and inheritable; others are
    // left out, as runc leaves them (it does not make them inheritable on its own).
    caps = {
      bounding: capsMask(c.bounding), effective: capsMask(c.effective), permitted, inheritable,
      ambient: capsMask(c.ambient) & permitted & inheritable,
    };
  }

  const rlimits = (proc.rlimits ?? []).map((r) => {
    const resource = RLIMITS[r.type];
    if (resource === undefined) throw new InvalidArgumentError(`config.json: unknown rlimit ${JSON.stringify(r.type)}`);
    return { resource, soft: rlimitValue(r.soft), hard: rlimitValue(r.hard) };
  });

  const sysctls = Object.entries(linux.sysctl ?? {}).map(([key, value]) => {
    if (!/^[a-zA-Z0-9_.\-/]+$/.test(key) || key.includes('..')) throw new InvalidArgumentError(`config.json: invalid sysctl ${key}`);
    return { key, value };
  });

  let rootPropagation = MS.REC | MS.PRIVATE;
  if (linux.rootfsPropagation) {
    const p = PROPAGATION[linux.rootfsPropagation];
    if (p === undefined) throw new InvalidArgumentError(`config.json: invalid rootfsPropagation ${linux.rootfsPropagation}`);
    rootPropagation = p;
  }

  return {
    nsCreate,
    nsJoin,
    cgroupnsLate,
    rootfs: joinsMountNs ? undefined : path.resolve(opts.bundleDir, spec.root.path),
    rootPropagation,
    rootReadonly: spec.root.readonly === true,
    mounts,
    devices: [...devices.values()],
    symlinks,
    masked: linux.maskedPaths ?? [],
    readonlyPaths: linux.readonlyPaths ?? [],
    hostname: spec.hostname || undefined,
    domainname: spec.domainname || undefined,
    sysctls,
    rlimits,
    caps,
    uid: proc.user.uid,
    gid: proc.user.gid,
    additionalGids: proc.user.additionalGids ?? [],
    umask: proc.user.umask,
    noNewPrivs: proc.noNewPrivileges === true,
    oomScoreAdj: proc.oomScoreAdj,
    cwd: proc.cwd,
    argv: proc.args,
    env: proc.env ?? [],
    terminal: proc.terminal === true,
    consoleSize: proc.terminal && proc.consoleSize ? { rows: proc.consoleSize.height, cols: proc.consoleSize.width } : undefined,
    stdinRelay: opts.stdinRelay,
    ...(opts.detachKeys ? { detachKeys: opts.detachKeys } : {}),
    consoleSocket: opts.consoleSocket,
    execFifo: opts.execFifo,
    detach: opts.detach,
    loopbackUp: has(CLONE.NEWNET),
    log: opts.log,
    keepFds: opts.keepFds ?? [],
    cgroupJoin: opts.cgroup?.joinFiles ?? [],
    cgroup2Dir: opts.cgroup?.cgroup2Dir,
    ...(linux.seccomp && opts.seccomp ? { seccomp: opts.seccomp.bpf, seccompFlags: opts.seccomp.flags } : {}),
    ...(newUserns ? { uidMap: idMapText(linux.uidMappings!), gidMap: idMapText(linux.gidMappings!) } : {}),
    sessionKeyring: opts.sessionKeyring,
    ...(opts.noPivot ? { noPivot: true } : {}),
    hooks: [
      ...(spec.hooks?.createContainer ?? []).map((h) => planHook('createContainer', h)),
      ...(spec.hooks?.startContainer ?? []).map((h) => planHook('startContainer', h)),
    ],
  };
}

/** createContainer and startContainer run in the container (the init runs them); the rest in the runtime. */
function planHook(stage: PlanHook['stage'], h: Hook): PlanHook {
  if (!h.path?.startsWith('/')) throw new InvalidArgumentError(`config.json: hooks.${stage}: path must be absolute, got ${JSON.stringify(h.path)}`);
  if (h.timeout !== undefined && !(Number.isInteger(h.timeout) && h.timeout > 0)) {
    throw new InvalidArgumentError(`config.json: hooks.${stage}: timeout must be a positive number of seconds`);
  }
  return { stage, path: h.path, args: h.args ?? [h.path], env: h.env ?? [], timeout: h.timeout ?? 0 };
}

function idMapText(maps: IdMapping[]): string {
  for (const m of maps) {
    if (![m.containerID, m.hostID, m.size].every((n) => Number.isInteger(n) && n >= 0) || m.size < 1) {
      throw new InvalidArgumentError(`config.json: invalid id mapping ${JSON.stringify(m)}`);
    }
  }
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}
