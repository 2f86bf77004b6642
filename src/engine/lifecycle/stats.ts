// docker stats: CPU %, memory usage and limit, network and block I/O, pids — read from the
// container's cgroup and its network namespace, two samples apart.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { CgroupManager } from '../../cgroups/manager';
import { cgroupsOf, type ContainerView, type EngineDeps } from './context';

export interface StatsSample {
  id: string;
  name: string;
  cpuPercent: number;
  memUsage: number;
  memLimit: number;
  memPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
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

/** Nanoseconds of CPU the cgroup used. */
function cpuUsage(cg: CgroupManager): number {
  const acct = dirFor(cg, 'cpuacct');
  if (acct && !acct.v2) return Number(read(`${acct.dir}/cpuacct.usage`)) || 0;
  const cpu = dirFor(cg, 'cpu');
  const m = cpu ? /usage_usec (\d+)/.exec(read(`${cpu.dir}/cpu.stat`)) : null;
  return m ? Number(m[1]) * 1000 : 0;
}

function keyValues(text: string): Map<string, number> {
  return new Map(text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 2).map(([k, v]) => [k, Number(v)]));
}

function memory(cg: CgroupManager): { usage: number; limit: number } {
  const m = dirFor(cg, 'memory');
  if (!m) return { usage: 0, limit: os.totalmem() };
  const stat = keyValues(read(`${m.dir}/memory.stat`));
  // docker subtracts the inactive file cache: it can be reclaimed at any time
  if (!m.v2) {
    const usage = Number(read(`${m.dir}/memory.usage_in_bytes`)) - (stat.get('total_inactive_file') ?? 0);
    const limit = Number(read(`${m.dir}/memory.limit_in_bytes`));
    return { usage: Math.max(0, usage), limit: limit > 0 && limit < os.totalmem() ? limit : os.totalmem() };
  }
  const usage = Number(read(`${m.dir}/memory.current`)) - (stat.get('inactive_file') ?? 0);
  const max = read(`${m.dir}/memory.max`).trim();
  return { usage: Math.max(0, usage), limit: max && max !== 'max' ? Number(max) : os.totalmem() };
}

function blockIo(cg: CgroupManager): { read: number; write: number } {
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

function network(pid: number): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of read(`/proc/${pid}/net/dev`).split('\n').slice(2)) {
    const [iface, rest] = line.split(':');
    if (!rest || iface.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0];
    tx += f[8];
  }
  return { rx, tx };
}

function pidsCount(cg: CgroupManager): number {
  const p = dirFor(cg, 'pids');
  return p ? Number(read(`${p.dir}/pids.current`)) || 0 : 0;
}

/** One sample per container: CPU from the usage between now and intervalMs later. */
export async function sampleStats(deps: EngineDeps, views: ContainerView[], intervalMs = 500): Promise<StatsSample[]> {
  const live = views.filter((v) => v.state && (v.derived.status === 'running' || v.derived.status === 'paused'));
  const cgs = live.map((v) => cgroupsOf(v.state!, deps.log));
  const before = cgs.map(cpuUsage);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, intervalMs));
  const wallNs = Number(process.hrtime.bigint() - t0);
  return live.map((v, i) => {
    const mem = memory(cgs[i]);
    const net = network(v.state!.pid);
    const blk = blockIo(cgs[i]);
    return {
      id: v.record.id, name: v.record.name,
      cpuPercent: ((cpuUsage(cgs[i]) - before[i]) / wallNs) * 100,
      memUsage: mem.usage, memLimit: mem.limit, memPercent: mem.limit ? (mem.usage / mem.limit) * 100 : 0,
      netRx: net.rx, netTx: net.tx, blockRead: blk.read, blockWrite: blk.write, pids: pidsCount(cgs[i]),
    };
  });
}
