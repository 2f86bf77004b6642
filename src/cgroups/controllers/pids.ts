import { v2Limit, type Controller } from './controller';

export const pids: Controller = {
  v1: 'pids',
  v2: 'pids',
  wants: (r) => r.pids !== undefined,
  applyV1(dir, r) {
    // OCI: 0 or negative means unlimited.
    dir.write('pids.max', v2Limit(r.pids!.limit > 0 ? r.pids!.limit : -1));
  },
  applyV2(dir, r) {
    this.applyV1(dir, r);
  },
};
