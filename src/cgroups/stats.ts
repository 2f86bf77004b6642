// A container's resource usage as its cgroup counts it (v1 files or v2 files), for `stats`,
// runc's `events --stats` and the Engine API.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { CgroupManager } from './manager';

export interface CgroupStats {
  /** Nanoseconds of CPU used, in all, in user and in kernel mode. */
  cpu: { total: number; user: number; kernel: number };
  memory: { usage: number; limit: number; max: number; failcnt: number; cache: number; inactiveFile: number };
  pids: { current: number; limit: number };
  blkio: { read: number; write: number };
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function dirFor(cg: CgroupManager, controller: string): { dir: string; v2: boolean } | undefined {
  const p = cg.placements.find((x) => x.hierarchy.version === 1 && x.hierarchy.controllers.includes(controller))
    ?? cg.placements.find((x) => x.hierarchy.version === 2 && x.hierarchy.controllers.includes(controller));
  return p ? { dir: p.dir, v2: p.hierarchy.version === 2 } : undefined;
}

function keyValues(text: string): Map<string, number> {
  return new Map(text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 2).map(([k, v]) => [k, Number(v)]));
}

const USER_HZ = 100;

function cpu(cg: CgroupManager): CgroupStats['cpu'] {
  const acct = dirFor(cg, 'cpuacct');
  if (acct && !acct.v2) {
    const ticks = keyValues(read(`${acct.dir}/cpuacct.stat`));
    const toNs = (t: number | undefined) => ((t ?? 0) * 1e9) / USER_HZ;
    return { total: Number(read(`${acct.dir}/cpuacct.usage`)) || 0, user: toNs(ticks.get('user')), kernel: toNs(ticks.get('system')) };
  }
  const c = dirFor(cg, 'cpu');
  const stat = c ? keyValues(read(`${c.dir}/cpu.stat`)) : new Map<string, number>();
  return { total: (stat.get('usage_usec') ?? 0) * 1000, user: (stat.get('user_usec') ?? 0) * 1000, kernel: (stat.get('system_usec') ?? 0) * 1000 };
}

function memory(cg: CgroupManager): CgroupStats['memory'] {
  const m = dirFor(cg, 'memory');
  const none = { usage: 0, limit: os.totalmem(), max: 0, failcnt: 0, cache: 0, inactiveFile: 0 };
  if (!m) return none;
  const stat = keyValues(read(`${m.dir}/memory.stat`));
  if (!m.v2) {
    const limit = Number(read(`${m.dir}/memory.limit_in_bytes`));
    return {
      usage: Number(read(`${m.dir}/memory.usage_in_bytes`)) || 0, limit: limit > 0 && limit < os.totalmem() ? limit : os.totalmem(),
      max: Number(read(`${m.dir}/memory.max_usage_in_bytes`)) || 0, failcnt: Number(read(`${m.dir}/memory.failcnt`)) || 0,
      cache: stat.get('total_cache') ?? stat.get('cache') ?? 0, inactiveFile: stat.get('total_inactive_file') ?? 0,
    };
  }
  const max = read(`${m.dir}/memory.max`).trim();
  return {
    usage: Number(read(`${m.dir}/memory.current`)) || 0, limit: max && max !== 'max' ? Number(max) : os.totalmem(),
    max: Number(read(`${m.dir}/memory.peak`)) || 0, failcnt: keyValues(read(`${m.dir}/memory.events`)).get('max') ?? 0,
    cache: stat.get('file') ?? 0, inactiveFile: stat.get('inactive_file') ?? 0,
  };
}

function blkio(cg: CgroupManager): CgroupStats['blkio'] {
  const b = dirFor(cg, 'blkio') ?? dirFor(cg, 'io');
  let r = 0;
  let w = 0;
  if (b && !b.v2) {
    for (const line of read(`${b.dir}/blkio.throttle.io_service_bytes`).split('\n')) {
      const [, op, n] = line.trim().split(/\s+/);
      if (op === 'Read') r += Number(n);
      if (op === 'Write') w += Number(n);
    }
  } else if (b) {
    for (const m of read(`${b.dir}/io.stat`).matchAll(/rbytes=(\d+) wbytes=(\d+)/g)) {
      r += Number(m[1]);
      w += Number(m[2]);
    }
  }
  return { read: r, write: w };
}

function pids(cg: CgroupManager): CgroupStats['pids'] {
  const p = dirFor(cg, 'pids');
  if (!p) return { current: 0, limit: 0 };
  const max = read(`${p.dir}/pids.max`).trim();
  return { current: Number(read(`${p.dir}/pids.current`)) || 0, limit: max && max !== 'max' ? Number(max) : 0 };
}

export function cgroupStats(cg: CgroupManager): CgroupStats {
  return { cpu: cpu(cg), memory: memory(cg), pids: pids(cg), blkio: blkio(cg) };
}

/** Every process in the container's cgroup (runc ps, kill --all). */
export function cgroupPids(cg: CgroupManager): number[] {
  const p = cg.placements.find((x) => x.hierarchy.version === 1 && x.hierarchy.controllers.includes('pids')) ?? cg.placements[0];
  if (!p) return [];
  return read(`${p.dir}/cgroup.procs`).split('\n').filter(Boolean).map(Number);
}
