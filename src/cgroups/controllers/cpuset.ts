// cpuset: which CPUs and memory nodes the container may use. (A new v1 cpuset cgroup inherits
// its parent's values at creation: see CgroupManager.create.)
import { type Controller } from './controller';

export const cpuset: Controller = {
  v1: 'cpuset',
  v2: 'cpuset',
  wants: (r) => !!r.cpu && (!!r.cpu.cpus || !!r.cpu.mems),
  applyV1(dir, r) {
    if (r.cpu?.cpus) dir.write('cpuset.cpus', r.cpu.cpus);
    if (r.cpu?.mems) dir.write('cpuset.mems', r.cpu.mems);
  },
  applyV2(dir, r) {
    this.applyV1(dir, r);
  },
};
