// docker's resource flags (-m, --cpus, --cpuset-cpus, --pids-limit, --ulimit, …) → OCI
// linux.resources and process.rlimits. Pure: the host's CPUs, memory nodes and rlimits come in
// as HostLimits, so every check runs before anything is created and is unit-tested.
import { InvalidArgumentError } from '../errors/errors';
import type { Resources } from '../runtime/spec';
import { resolveBlockDevices, type BlockDeviceFlags, type DeviceNumbers } from './block-devices';

export interface ResourceFlags extends BlockDeviceFlags {
  memory?: string;
  /** 0..100; -1 (docker's default) leaves the kernel's */
  memorySwappiness?: string;
  cpuRtPeriod?: string;
  cpuRtRuntime?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpus?: string;
  cpuShares?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: string;
  blkioWeight?: string;
  cgroupParent?: string;
  oomKillDisable?: boolean;
  ulimits: string[];
}

export interface HostLimits {
  /** Online CPUs, e.g. [0, 1]. */
  cpus: number[];
  /** Online memory nodes, e.g. [0]. */
  mems: number[];
  /** The hard rlimits this process has, by lower-case docker name (nofile, nproc, …); undefined = unlimited. */
  hardRlimits: Record<string, bigint | undefined>;
  /** Whether we may raise hard rlimits (CAP_SYS_RESOURCE). */
  canRaiseRlimits: boolean;
  /** The kernel accounts swap (memory.memsw.* on v1, memory.swap.* on v2). */
  swapAccounting: boolean;
  /** memory.swappiness exists (cgroup v1); v2 has none, and docker drops the flag with a warning. Unset: assumed. */
  memorySwappiness?: boolean;
  /** cpu.rt_runtime_us exists (v1 with CONFIG_RT_GROUP_SCHED); never on v2. Unset: assumed. */
  cpuRealtime?: boolean;
  /** A per-device blkio weight file exists. Unset: assumed. */
  blkioWeightDevice?: boolean;
  /** Why no cgroup can hold limits here (rootless mode): then every limit is refused, never dropped. */
  noCgroups?: string;
  /** MAJ:MIN of a block device path (stat on the host); throws the reason. Unset: device flags are refused. */
  blockDevice?: (devPath: string) => DeviceNumbers;
}

export interface RlimitSpec { type: string; soft: number; hard: number }

export interface ResolvedResources {
  resources: Resources;
  rlimits: RlimitSpec[];
  /** Absolute cgroup parent, e.g. "/mydocker". */
  cgroupParent: string;
  warnings: string[];
}

/** The smallest memory limit docker accepts (a container below it cannot even start). */
export const MIN_MEMORY = 6 * 1024 * 1024;
const UNLIMITED = 2 ** 64 - 1; // RLIM_INFINITY as a JSON number (specconv turns huge values into it)

const bad = (flag: string, value: string, why: string) => new InvalidArgumentError(`invalid value "${value}" for ${flag}: ${why}`);

/** docker's RAMInBytes: 32m, 1.5g, 512k, 100MB, 1GiB, plain bytes; binary units. */
export function parseBytes(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value.trim());
  if (!m) throw bad(flag, value, 'expected a size like 512k, 32m or 1g');
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }[(m[2] ?? '').toLowerCase()]!;
  return Math.floor(Number(m[1]) * mult);
}

function parseInteger(value: string, flag: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw bad(flag, value, 'expected an integer');
  return Number(value);
}

/** "0-2,4" → [0, 1, 2, 4]. */
export function parseCpuList(value: string, flag: string): number[] {
  const out = new Set<number>();
  for (const part of value.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw bad(flag, value, 'expected a list like 0-2,4');
    const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (hi < lo) throw bad(flag, value, `range ${part} goes backwards`);
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

export function formatCpuList(list: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < list.length; i++) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    parts.push(i === j ? String(list[i]) : `${list[i]}-${list[j]}`);
    i = j;
  }
  return parts.join(',');
}

const ULIMIT_NAMES = ['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

export function parseUlimit(text: string, host: HostLimits): RlimitSpec {
  const m = /^([a-z]+)=(-?\d+|unlimited)(?::(-?\d+|unlimited))?$/.exec(text);
  if (!m) throw bad('--ulimit', text, 'expected <type>=<soft limit>[:<hard limit>]');
  const [, name, softText, hardText] = m;
  if (!ULIMIT_NAMES.includes(name)) throw bad('--ulimit', text, `unknown ulimit type ${name}`);
  const num = (t: string) => (t === 'unlimited' || t === '-1' ? UNLIMITED : Number(t));
  const soft = num(softText);
  const hard = hardText === undefined ? soft : num(hardText);
  if (soft !== UNLIMITED && soft < 0) throw bad('--ulimit', text, 'limits cannot be negative');
  if (soft > hard) throw bad('--ulimit', text, `the soft limit must not exceed the hard limit: ${softText} > ${hardText}`);
  const hostHard = host.hardRlimits[name];
  if (!host.canRaiseRlimits && hostHard !== undefined && (hard === UNLIMITED || BigInt(hard) > hostHard)) {
    throw bad('--ulimit', text,
      `hard limit ${hard === UNLIMITED ? 'unlimited' : hard} is above this host's ${hostHard}, and raising it needs CAP_SYS_RESOURCE, which mydocker lacks here`);
  }
  return { type: `RLIMIT_${name.toUpperCase()}`, soft, hard };
}

export function resolveResources(flags: ResourceFlags, host: HostLimits): ResolvedResources {
  const warnings: string[] = [];
  const resources: Resources = {};
  const memory: NonNullable<Resources['memory']> = {};

  if (flags.memory !== undefined) {
    const limit = parseBytes(flags.memory, '--memory');
    if (limit !== 0 && limit < MIN_MEMORY) throw bad('--memory', flags.memory, 'the minimum memory limit allowed is 6MB');
    if (limit > 0) memory.limit = limit;
  }
  if (flags.memorySwap !== undefined) {
    const swap = flags.memorySwap === '-1' ? -1 : parseBytes(flags.memorySwap, '--memory-swap');
    if (memory.limit === undefined) throw bad('--memory-swap', flags.memorySwap, 'you should always set the memory limit (-m) when using a memory-swap limit');
    if (swap !== -1 && swap < memory.limit) throw bad('--memory-swap', flags.memorySwap, 'the memory+swap limit must be at least the memory limit');
    if (!host.swapAccounting && swap !== -1) throw bad('--memory-swap', flags.memorySwap, 'this kernel does not account swap, so a swap limit cannot be enforced');
    memory.swap = swap;
  } else if (memory.limit !== undefined && host.swapAccounting) {
    memory.swap = memory.limit * 2; // docker: as much swap as memory
  }
  if (flags.memoryReservation !== undefined) {
    const reservation = parseBytes(flags.memoryReservation, '--memory-reservation');
    if (memory.limit !== undefined && reservation > memory.limit) {
      throw bad('--memory-reservation', flags.memoryReservation, 'the memory reservation must not exceed the memory limit');
    }
    memory.reservation = reservation;
  }
  if (flags.memorySwappiness !== undefined) {
    const swappiness = parseInteger(flags.memorySwappiness, '--memory-swappiness');
    if (swappiness < -1 || swappiness > 100) throw bad('--memory-swappiness', flags.memorySwappiness, 'the valid memory swappiness range is 0-100');
    if (swappiness >= 0 && host.memorySwappiness === false) {
      warnings.push('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.');
    } else if (swappiness >= 0) {
      memory.swappiness = swappiness;
    }
  }
  if (flags.oomKillDisable) {
    memory.disableOOMKiller = true;
    if (memory.limit === undefined) warnings.push("disabling the OOM killer on containers without setting a '-m/--memory' limit may be dangerous");
  }
  if (Object.keys(memory).length) resources.memory = memory;

  const cpu: NonNullable<Resources['cpu']> = {};
  if (flags.cpus !== undefined) {
    if (flags.cpuPeriod !== undefined || flags.cpuQuota !== undefined) {
      throw new InvalidArgumentError('conflicting options: --cpus and --cpu-period/--cpu-quota cannot both be set');
    }
    const n = Number(flags.cpus);
    if (!/^\d*\.?\d+$/.test(flags.cpus.trim()) || !Number.isFinite(n)) throw bad('--cpus', flags.cpus, 'expected a number of CPUs like 0.5 or 2');
    const max = host.cpus.length;
    if (n < 0.01 || n > max) throw bad('--cpus', flags.cpus, `the range of CPUs is from 0.01 to ${max.toFixed(2)}, as there are only ${max} CPUs available`);
    cpu.period = 100000;
    cpu.quota = Math.round(n * 100000);
  }
  if (flags.cpuShares !== undefined) {
    const shares = parseInteger(flags.cpuShares, '--cpu-shares');
    if (shares < 0) throw bad('--cpu-shares', flags.cpuShares, 'shares cannot be negative');
    if (shares > 262144) throw bad('--cpu-shares', flags.cpuShares, 'the maximum allowed cpu-shares is 262144');
    if (shares > 0 && shares < 2) warnings.push('the minimum allowed cpu-shares is 2: using 2');
    if (shares > 0) cpu.shares = Math.max(2, shares);
  }
  if (flags.cpuPeriod !== undefined) {
    const period = parseInteger(flags.cpuPeriod, '--cpu-period');
    if (period !== 0 && (period < 1000 || period > 1000000)) throw bad('--cpu-period', flags.cpuPeriod, 'the CPU CFS period must be between 1ms (1000) and 1s (1000000)');
    if (period) cpu.period = period;
  }
  if (flags.cpuQuota !== undefined) {
    const quota = parseInteger(flags.cpuQuota, '--cpu-quota');
    if (quota !== 0 && quota !== -1 && quota < 1000) throw bad('--cpu-quota', flags.cpuQuota, 'the CPU CFS quota cannot be less than 1ms (1000)');
    if (quota) cpu.quota = quota;
  }
  if (flags.cpusetCpus !== undefined) {
    const want = parseCpuList(flags.cpusetCpus, '--cpuset-cpus');
    const missing = want.filter((c) => !host.cpus.includes(c));
    if (missing.length) throw bad('--cpuset-cpus', flags.cpusetCpus, `requested CPUs are not available - requested ${formatCpuList(missing)}, available: ${formatCpuList(host.cpus)}`);
    cpu.cpus = formatCpuList(want);
  }
  if (flags.cpusetMems !== undefined) {
    const want = parseCpuList(flags.cpusetMems, '--cpuset-mems');
    const missing = want.filter((c) => !host.mems.includes(c));
    if (missing.length) throw bad('--cpuset-mems', flags.cpusetMems, `requested memory nodes are not available - requested ${formatCpuList(missing)}, available: ${formatCpuList(host.mems)}`);
    cpu.mems = formatCpuList(want);
  }
  resolveRealtime(flags, host, cpu);
  if (Object.keys(cpu).length) resources.cpu = cpu;

  if (flags.pidsLimit !== undefined) {
    const limit = parseInteger(flags.pidsLimit, '--pids-limit');
    resources.pids = { limit: limit > 0 ? limit : -1 };
  }
  if (flags.blkioWeight !== undefined) {
    const weight = parseInteger(flags.blkioWeight, '--blkio-weight');
    if (weight !== 0 && (weight < 10 || weight > 1000)) throw bad('--blkio-weight', flags.blkioWeight, 'the range of blkio weight is from 10 to 1000');
    if (weight) resources.blockIO = { weight };
  }
  const devices = resolveBlockDevices(flags, {
    blockDevice: host.blockDevice ?? (() => { throw new Error('block devices cannot be resolved here'); }),
    weightDevice: host.blkioWeightDevice !== false,
  }, warnings);
  if (devices) resources.blockIO = { ...resources.blockIO, ...devices };

  let cgroupParent = '/mydocker';
  if (flags.cgroupParent !== undefined) {
    const p = flags.cgroupParent.trim();
    if (p === '' || p.split('/').some((c) => c === '..' || c === '.') || !/^[\w.\-/@:]+$/.test(p)) {
      throw bad('--cgroup-parent', flags.cgroupParent, 'expected a cgroup path like /mygroup or mygroup/sub');
    }
    cgroupParent = '/' + p.replace(/^\/+|\/+$/g, '');
  }
  if (host.noCgroups) refuseLimits(resources, flags.cgroupParent !== undefined, host.noCgroups);

  const seen = new Set<string>();
  const rlimits = flags.ulimits.map((u) => {
    const r = parseUlimit(u, host);
    if (seen.has(r.type)) throw bad('--ulimit', u, `${r.type.slice(7).toLowerCase()} is given twice`);
    seen.add(r.type);
    return r;
  });
  return { resources, rlimits, cgroupParent, warnings };
}

const LIMIT_WORDS: Record<string, string> = { memory: 'memory', cpu: 'CPU', pids: 'pids', blockIO: 'block I/O' };

/** Docker drops a limit its host cannot enforce with a warning; a limit silently missing is worse when nothing enforces any. */
function refuseLimits(resources: Resources, cgroupParent: boolean, why: string): void {
  const what = Object.keys(resources).map((k) => `${LIMIT_WORDS[k] ?? k} limits`);
  if (cgroupParent) what.push('--cgroup-parent');
  if (what.length) throw new InvalidArgumentError(`cannot set ${what.join(', ')}: ${why}`);
}

/**
 * --cpu-rt-period/--cpu-rt-runtime (µs): real-time bandwidth, v1 only (cgroup v2 has no RT group scheduling).
 * Whether the parent's budget allows it is the kernel's answer at start (see the cpu controller).
 */
function resolveRealtime(flags: ResourceFlags, host: HostLimits, cpu: NonNullable<Resources['cpu']>): void {
  const period = flags.cpuRtPeriod === undefined ? 0 : parseInteger(flags.cpuRtPeriod, '--cpu-rt-period');
  const runtime = flags.cpuRtRuntime === undefined ? 0 : parseInteger(flags.cpuRtRuntime, '--cpu-rt-runtime');
  if (period < 0) throw bad('--cpu-rt-period', flags.cpuRtPeriod!, 'the period cannot be negative');
  if (runtime < 0) throw bad('--cpu-rt-runtime', flags.cpuRtRuntime!, 'the runtime cannot be negative');
  if (!period && !runtime) return;
  if (host.cpuRealtime === false) {
    throw new InvalidArgumentError('your kernel does not support CPU real-time scheduler (no cpu.rt_runtime_us: cgroup v2, or a kernel without CONFIG_RT_GROUP_SCHED)');
  }
  if (period && runtime > period) throw bad('--cpu-rt-runtime', flags.cpuRtRuntime!, `cpu-rt-runtime cannot be higher than cpu-rt-period (${period})`);
  if (period) cpu.realtimePeriod = period;
  if (runtime) cpu.realtimeRuntime = runtime;
}
