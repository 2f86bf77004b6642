// freezer: pause and unpause (v1 freezer.state, v2 cgroup.freeze). Not a resource limit.
import type { CgroupDir } from '../cgroup-dir';

export function freeze(dir: CgroupDir, version: 1 | 2, frozen: boolean): void {
  if (version === 1) dir.write('freezer.state', frozen ? 'FROZEN' : 'THAWED');
  else dir.write('cgroup.freeze', frozen ? '1' : '0');
}

export function isFrozen(dir: CgroupDir, version: 1 | 2): boolean {
  if (version === 1) return dir.has('freezer.state') && dir.read('freezer.state') !== 'THAWED';
  if (!dir.has('cgroup.events')) return false;
  return /^frozen 1$/m.test(dir.read('cgroup.events'));
}
