// memory: limit, reservation (soft limit / memory.low), swap, swappiness, OOM killer.
import { CgroupError, type CgroupDir } from '../cgroup-dir';
import { v2Limit, type Controller } from './controller';

export const memory: Controller = {
  v1: 'memory',
  v2: 'memory',
  wants: (r) => r.memory !== undefined && Object.values(r.memory).some((v) => v !== undefined),
  applyV1(dir, r) {
    const m = r.memory ?? {};
    // With a swap limit the order matters: memsw may never be below the memory limit.
    if (m.limit !== undefined) {
      const raisingSwapFirst = m.swap !== undefined && m.swap !== 0 && exceedsCurrent(dir, 'memory.memsw.limit_in_bytes', m.swap);
      if (raisingSwapFirst) writeSwapV1(dir, m.swap!);
      dir.write('memory.limit_in_bytes', String(m.limit));
      if (m.swap !== undefined && m.swap !== 0 && !raisingSwapFirst) writeSwapV1(dir, m.swap);
    } else if (m.swap !== undefined && m.swap !== 0) {
      writeSwapV1(dir, m.swap);
    }
    if (m.reservation !== undefined) dir.write('memory.soft_limit_in_bytes', String(m.reservation));
    if (m.swappiness !== undefined && m.swappiness >= 0) dir.write('memory.swappiness', String(m.swappiness));
    if (m.disableOOMKiller) dir.write('memory.oom_control', '1');
  },
  applyV2(dir, r) {
    const m = r.memory ?? {};
    if (m.limit !== undefined) dir.write('memory.max', v2Limit(m.limit));
    if (m.swap !== undefined && m.swap !== 0) {
      // OCI's swap is memory+swap (v1 semantics); v2 limits swap alone.
      if (m.swap < 0) dir.write('memory.swap.max', 'max');
      else if (m.limit !== undefined && m.limit >= 0) dir.write('memory.swap.max', String(Math.max(0, m.swap - m.limit)));
      else throw new CgroupError('a swap limit needs a memory limit on cgroup v2');
    }
    if (m.reservation !== undefined) dir.write('memory.low', String(m.reservation));
    if (m.disableOOMKiller) throw new CgroupError('disabling the OOM killer is not supported on cgroup v2');
  },
};

function writeSwapV1(dir: CgroupDir, swap: number) {
  if (!dir.has('memory.memsw.limit_in_bytes')) {
    throw new CgroupError('this kernel does not account swap (no memory.memsw.limit_in_bytes): a swap limit cannot be set');
  }
  dir.write('memory.memsw.limit_in_bytes', String(swap));
}

function exceedsCurrent(dir: CgroupDir, file: string, value: number): boolean {
  if (value < 0) return true;
  try {
    return value > Number(dir.read(file));
  } catch {
    return false;
  }
}
