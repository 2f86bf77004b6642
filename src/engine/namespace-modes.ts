// --pid, --ipc, --uts, --cgroupns, --shm-size and --init (docker's HostConfig.PidMode, IpcMode, UTSMode,
// CgroupnsMode, ShmSize, Init): parsed and checked before anything exists, and applied to the OCI spec at
// every start from facts the engine resolves then (the namespace files of the containers joined, the host
// path bound at /dev/shm, the init binary). Pure; docs/cli-run-namespaces.md.
import { InternalError, InvalidArgumentError } from '../errors/errors';
import type { Mount, Spec } from '../runtime/spec';

export type NamespaceKind = 'pid' | 'ipc' | 'uts' | 'cgroupns';

export interface NamespaceMode {
  mode: 'private' | 'host' | 'container' | 'shareable' | 'none';
  /** container mode: the other container's name or id, as given. */
  container?: string;
}

/** docker's own set per flag; "private" everywhere (podman's word, docker's default). */
const ALLOWED: Record<NamespaceKind, readonly NamespaceMode['mode'][]> = {
  pid: ['private', 'host', 'container'],
  ipc: ['private', 'host', 'container', 'shareable', 'none'],
  uts: ['private', 'host', 'container'],
  cgroupns: ['private', 'host'],
};

const LABEL: Record<NamespaceKind, string> = { pid: 'PID', ipc: 'IPC', uts: 'UTS', cgroupns: 'cgroup' };

/** docker's 64 MiB /dev/shm. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** Where docker puts its init in the container. */
export const INIT_PATH_IN_CONTAINER = '/sbin/docker-init';

export function parseNamespaceMode(kind: NamespaceKind, text: string | undefined): NamespaceMode {
  if (text === undefined || text === '') return { mode: 'private' };
  const allowed = ALLOWED[kind];
  const usage = allowed.map((m) => (m === 'container' ? 'container:NAME|ID' : m)).join(', ');
  const fail = () => new InvalidArgumentError(`invalid value "${text}" for --${kind}: invalid ${LABEL[kind]} mode (use ${usage})`);
  if (text.startsWith('container:')) {
    const container = text.slice('container:'.length);
    if (!allowed.includes('container') || container === '') throw fail();
    return { mode: 'container', container };
  }
  const mode = allowed.find((m) => m === text && m !== 'container');
  if (!mode) throw fail();
  return { mode };
}

/** The HostConfig fields this module owns, as docker's inspect shows them. */
export interface NamespaceHostConfig {
  Init?: boolean | null;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  CgroupnsMode?: string;
  ShmSize?: number;
}

export interface NamespaceFlags {
  init?: boolean;
  pid?: string;
  ipc?: string;
  uts?: string;
  cgroupns?: string;
  /** Bytes; 0 or absent: docker's 64 MiB. */
  shmSize?: number;
}

export interface NamespaceContext {
  hostname?: string;
  domainname?: string;
  /** The container gets a user namespace of its own (--userns auto, --uidmap). */
  ownUserns: boolean;
}

/** Every mode parsed and the combinations docker refuses refused; nothing is looked up. */
export function validateNamespaceFlags(f: NamespaceFlags, ctx: NamespaceContext): Record<NamespaceKind, NamespaceMode> {
  const modes = {
    pid: parseNamespaceMode('pid', f.pid), ipc: parseNamespaceMode('ipc', f.ipc),
    uts: parseNamespaceMode('uts', f.uts), cgroupns: parseNamespaceMode('cgroupns', f.cgroupns),
  };
  if (f.shmSize !== undefined && (!Number.isSafeInteger(f.shmSize) || f.shmSize < 0)) {
    throw new InvalidArgumentError(`invalid --shm-size ${f.shmSize}: SHM size can not be less than 0`);
  }
  if (modes.uts.mode !== 'private') {
    if (ctx.hostname !== undefined) throw new InvalidArgumentError(`conflicting options: hostname and the UTS mode (--uts ${f.uts})`);
    if (ctx.domainname) throw new InvalidArgumentError(`conflicting options: domainname and the UTS mode (--uts ${f.uts})`);
  }
  // A user namespace of the container's own cannot mount /proc of a PID namespace, or mqueue of an IPC
  // namespace, that another user namespace owns.
  if (ctx.ownUserns) {
    for (const kind of ['pid', 'ipc'] as const) {
      const m = modes[kind].mode;
      if (m === 'host' || m === 'container') {
        throw new InvalidArgumentError(`conflicting options: --${kind} ${f[kind]} and a user namespace of the container's own (--userns, --uidmap)`);
      }
    }
  }
  return modes;
}

/** What create records: docker's defaults filled in (ipc "private", cgroupns "private", 64 MiB). */
export function namespaceHostConfig(f: NamespaceFlags): Required<NamespaceHostConfig> {
  return {
    Init: f.init === true ? true : null,
    PidMode: f.pid ?? '',
    IpcMode: f.ipc || 'private',
    UTSMode: f.uts ?? '',
    CgroupnsMode: f.cgroupns || 'private',
    ShmSize: f.shmSize || DEFAULT_SHM_SIZE,
  };
}

/** What the engine resolves at start for applyNamespaceModes. */
export interface NamespaceFacts {
  /** container:X modes: the namespace file of X's running init. */
  joins: Partial<Record<'pid' | 'ipc' | 'uts', string>>;
  /** A host directory bound at /dev/shm (ipc shareable, container:X, host); otherwise a tmpfs of the container's own. */
  shmSource?: string;
  /** --init: the host's static init binary, bound read-only at /sbin/docker-init. */
  initBinary?: string;
}

const NS_TYPE = { pid: 'pid', ipc: 'ipc', uts: 'uts', cgroupns: 'cgroup' } as const;

function depth(m: Mount): number {
  return m.destination.split('/').filter(Boolean).length;
}

/**
 * The spec buildSpec made (a new namespace of each kind, a 64 MiB tmpfs at /dev/shm), changed as the modes ask:
 * host namespaces left out, container:X namespaces joined by path, /dev/shm sized, bound or left out, the init
 * bound and put before the command.
 */
export function applyNamespaceModes(spec: Spec, hc: NamespaceHostConfig, facts: NamespaceFacts): Spec {
  const linux = spec.linux ?? {};
  let namespaces = [...(linux.namespaces ?? [])];
  const modes: Record<NamespaceKind, NamespaceMode> = {
    pid: parseNamespaceMode('pid', hc.PidMode), ipc: parseNamespaceMode('ipc', hc.IpcMode),
    uts: parseNamespaceMode('uts', hc.UTSMode), cgroupns: parseNamespaceMode('cgroupns', hc.CgroupnsMode),
  };
  for (const kind of ['pid', 'ipc', 'uts', 'cgroupns'] as const) {
    const m = modes[kind].mode;
    const type = NS_TYPE[kind];
    if (m === 'host') namespaces = namespaces.filter((n) => n.type !== type);
    if (m === 'container') {
      const file = facts.joins[kind as 'pid' | 'ipc' | 'uts'];
      if (!file) throw new InternalError(`the ${LABEL[kind]} namespace to join was not resolved`);
      namespaces = namespaces.map((n) => (n.type === type ? { type, path: file } : n));
    }
  }
  const out: Spec = { ...spec, linux: { ...linux, namespaces } };
  if (modes.uts.mode !== 'private') {
    // the joined namespace keeps its own names
    delete out.hostname;
    delete out.domainname;
  }
  let mounts = [...(spec.mounts ?? [])];
  const shm = mounts.findIndex((m) => m.destination === '/dev/shm');
  if (shm >= 0) {
    if (modes.ipc.mode === 'none') mounts.splice(shm, 1);
    else if (facts.shmSource) mounts[shm] = { destination: '/dev/shm', type: 'bind', source: facts.shmSource, options: ['rbind', 'rprivate', 'nosuid', 'noexec', 'nodev'] };
    else {
      const size = hc.ShmSize || DEFAULT_SHM_SIZE;
      mounts[shm] = { ...mounts[shm], options: [...(mounts[shm].options ?? []).filter((o) => !o.startsWith('size=')), `size=${size}`] };
    }
  }
  if (hc.Init && facts.initBinary && spec.process) {
    mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: facts.initBinary, options: ['bind', 'ro', 'nosuid', 'nodev'] });
    // parents before children, as buildSpec ordered them: a volume on /sbin must not hide the init
    mounts = mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i).map((x) => x.m);
    out.process = { ...spec.process, args: [INIT_PATH_IN_CONTAINER, '--', ...(spec.process.args ?? [])] };
  }
  out.mounts = mounts;
  return out;
}
