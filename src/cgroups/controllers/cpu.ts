// cpu: shares/weight, CFS bandwidth (quota over period) and, on v1, real-time bandwidth.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CgroupError, type CgroupDir } from '../cgroup-dir';
import { type Controller } from './controller';
import type { Resources } from '../../runtime/spec';

/** cgroup v2 weight [1, 10000] from v1 shares [2, 262144], as runc and crun convert it. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 100;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

export const cpu: Controller = {
  v1: 'cpu',
  v2: 'cpu',
  wants: (r) => !!r.cpu && (r.cpu.shares !== undefined || r.cpu.quota !== undefined || r.cpu.period !== undefined
    || !!r.cpu.realtimePeriod || !!r.cpu.realtimeRuntime),
  applyV1(dir, r) {
    const c = r.cpu ?? {};
    if (c.shares) dir.write('cpu.shares', String(c.shares));
    // The period goes first: the kernel checks the quota against the current period.
    if (c.period) dir.write('cpu.cfs_period_us', String(c.period));
    if (c.quota !== undefined && c.quota !== 0) dir.write('cpu.cfs_quota_us', String(c.quota));
    writeRealtime(dir, c);
  },
  applyV2(dir, r) {
    const c = r.cpu ?? {};
    if (c.realtimePeriod || c.realtimeRuntime) throw new CgroupError('real-time CPU bandwidth (--cpu-rt-period/--cpu-rt-runtime) does not exist on cgroup v2');
    if (c.shares) dir.write('cpu.weight', String(sharesToWeight(c.shares)));
    if ((c.quota !== undefined && c.quota !== 0) || c.period) {
      const quota = c.quota === undefined || c.quota <= 0 ? 'max' : String(c.quota);
      dir.write('cpu.max', `${quota} ${c.period || 100000}`);
    }
  },
};

/**
 * cpu.rt_period_us and cpu.rt_runtime_us. The kernel keeps runtime ≤ period, so when a shorter period would
 * undercut the current runtime the runtime goes first. A child may only take real-time runtime its parent
 * has (a new cgroup has 0), so EINVAL on the runtime is explained with the parent's budget, as docker's docs
 * do (dockerd --cpu-rt-runtime gives its parent cgroup one).
 */
function writeRealtime(dir: CgroupDir, c: NonNullable<Resources['cpu']>): void {
  const runtime = () => {
    if (!c.realtimeRuntime) return;
    try {
      dir.write('cpu.rt_runtime_us', String(c.realtimeRuntime));
    } catch (err) {
      throw explainRuntime(dir, c.realtimeRuntime, err);
    }
  };
  if (!c.realtimePeriod) return runtime();
  try {
    dir.write('cpu.rt_period_us', String(c.realtimePeriod));
  } catch (err) {
    if (!c.realtimeRuntime) throw err;
    runtime();
    dir.write('cpu.rt_period_us', String(c.realtimePeriod));
    return;
  }
  runtime();
}

function explainRuntime(dir: CgroupDir, runtime: number, err: unknown): unknown {
  if (!(err instanceof CgroupError) || !/EINVAL/.test(err.message)) return err;
  const parent = path.dirname(dir.path);
  let budget = '';
  try {
    const rt = fs.readFileSync(path.join(parent, 'cpu.rt_runtime_us'), 'utf8').trim();
    const period = fs.readFileSync(path.join(parent, 'cpu.rt_period_us'), 'utf8').trim();
    budget = ` (it has ${rt} µs per ${period} µs, shared by all its children)`;
  } catch {
    // the parent's files are only for the message
  }
  return new CgroupError(
    `${err.message}: the parent cgroup ${parent} has no real-time budget for ${runtime} µs${budget}; ` +
    'give it one in cpu.rt_runtime_us (dockerd does this with --cpu-rt-runtime) or choose a --cgroup-parent that has one', err,
  );
}
