// runc update: new resource limits for a running container, written to its cgroup.
import { FailedPreconditionError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { RuntimeContainer } from '../container';
import type { Resources } from '../spec';

export function updateContainer(container: RuntimeContainer, resources: Resources, log: Logger): void {
  const status = container.status(log);
  if (status === 'stopped') throw new FailedPreconditionError(`container ${container.id} is not running`);
  // device rules are fixed at create (runc does not update them either)
  container.cgroups(log).apply({ ...withoutZeros(resources), devices: undefined });
  log.step('runtime', 'update', { id: container.id });
}

/** runc update's rule, which dockerd relies on (it sends every field): 0 means "leave it as it is". */
export function withoutZeros(r: Resources): Resources {
  const keep = <T extends object>(o: T | undefined): T | undefined => {
    if (!o) return undefined;
    const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== '' && v !== undefined && v !== null)) as T;
    return Object.keys(kept).length ? kept : undefined;
  };
  return {
    ...r, memory: keep(r.memory), cpu: keep(r.cpu), blockIO: keep(r.blockIO),
    pids: r.pids && r.pids.limit !== 0 ? r.pids : undefined,
  };
}
