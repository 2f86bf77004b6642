// runc update: new resource limits for a running container, written to its cgroup.
import { FailedPreconditionError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { RuntimeContainer } from '../container';
import type { Resources } from '../spec';

export function updateContainer(container: RuntimeContainer, resources: Resources, log: Logger): void {
  const status = container.status(log);
  if (status === 'stopped') throw new FailedPreconditionError(`container ${container.id} is not running`);
  // device rules are fixed at create (runc does not update them either)
  container.cgroups(log).apply({ ...resources, devices: undefined });
  log.step('runtime', 'update', { id: container.id });
}
