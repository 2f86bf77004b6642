// devices: which device nodes the container may open or create. v1 has allow/deny files; on v2
// the manager attaches an eBPF program instead (src/cgroups/device-filter.ts), never this unit.
import type { DeviceRule } from '../../runtime/spec';
import { CgroupError } from '../cgroup-dir';
import { type Controller } from './controller';

export function deviceRuleLine(rule: DeviceRule): string {
  const n = (v: number | undefined) => (v === undefined || v < 0 ? '*' : String(v));
  return `${rule.type ?? 'a'} ${n(rule.major)}:${n(rule.minor)} ${rule.access ?? 'rwm'}`;
}

export const devices: Controller = {
  v1: 'devices',
  v2: undefined,
  wants: (r) => !!r.devices?.length,
  applyV1(dir, r) {
    for (const rule of r.devices ?? []) {
      // "a" (all devices) must be written as "a" alone: the kernel rejects "a *:* rwm".
      const line = (rule.type ?? 'a') === 'a' ? 'a' : deviceRuleLine(rule);
      dir.write(rule.allow ? 'devices.allow' : 'devices.deny', line);
    }
  },
  applyV2() {
    throw new CgroupError('device rules on cgroup v2 are an eBPF program the manager attaches, not a file');
  },
};
