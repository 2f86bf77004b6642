// docker stats: CPU %, memory usage and limit, network and block I/O, pids — read from the
// container's cgroup and its network namespace, two samples apart.
import * as fs from 'node:fs';
import { containerStats } from '../../runtime/ops/ps';
import { runtimeContainer, type ContainerView, type EngineDeps } from './context';

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

/** One sample per container: CPU from the usage between now and intervalMs later. */
export async function sampleStats(deps: EngineDeps, views: ContainerView[], intervalMs = 500): Promise<StatsSample[]> {
  const live = views.filter((v) => v.state && (v.derived.status === 'running' || v.derived.status === 'paused'));
  const rts = live.map((v) => runtimeContainer(deps, v.record.id));
  const before = rts.map((rt) => containerStats(rt, deps.log).cpu.total);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, intervalMs));
  const wallNs = Number(process.hrtime.bigint() - t0);
  return live.map((v, i) => {
    const now = containerStats(rts[i], deps.log);
    // docker subtracts the inactive file cache: it can be reclaimed at any time
    const memUsage = Math.max(0, now.memory.usage - now.memory.inactiveFile);
    const memLimit = now.memory.limit;
    const net = network(v.state!.pid);
    return {
      id: v.record.id, name: v.record.name,
      cpuPercent: ((now.cpu.total - before[i]) / wallNs) * 100,
      memUsage, memLimit, memPercent: memLimit ? (memUsage / memLimit) * 100 : 0,
      netRx: net.rx, netTx: net.tx, blockRead: now.blkio.read, blockWrite: now.blkio.write, pids: now.pids.current,
    };
  });
}
