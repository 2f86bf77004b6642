// cpu: shares/weight and CFS bandwidth (quota over period).
import { type Controller } from './controller';

/** cgroup v2 weight [1, 10000] from v1 shares [2, 262144], as runc and crun convert it. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 100;
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

export const cpu: Controller = {
  v1: 'cpu',
  v2: 'cpu',
  wants: (r) => !!r.cpu && (r.cpu.shares !== undefined || r.cpu.quota !== undefined || r.cpu.period !== undefined),
  applyV1(dir, r) {
    const c = r.cpu ?? {};
    if (c.shares) dir.write('cpu.shares', String(c.shares));
    // The period goes first: the kernel checks the quota against the current period.
    if (c.period) dir.write('cpu.cfs_period_us', String(c.period));
    if (c.quota !== undefined && c.quota !== 0) dir.write('cpu.cfs_quota_us', String(c.quota));
  },
  applyV2(dir, r) {
    const c = r.cpu ?? {};
    if (c.shares) dir.write('cpu.weight', String(sharesToWeight(c.shares)));
    if ((c.quota !== undefined && c.quota !== 0) || c.period) {
      const quota = c.quota === undefined || c.quota <= 0 ? 'max' : String(c.quota);
      dir.write('cpu.max', `${quota} ${c.period || 100000}`);
    }
  },
};
