// runc ps and events --stats: the container's processes and resource usage, from its cgroup.
import { cgroupPids, cgroupStats, type CgroupStats } from '../../cgroups/stats';
import { FailedPreconditionError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { RuntimeContainer } from '../container';
import { pidsOfInit } from '../ns-pids';

export function containerPids(container: RuntimeContainer, log: Logger): number[] {
  if (container.status(log) === 'stopped') throw new FailedPreconditionError(`container ${container.id} is not running`);
  const cgroups = container.cgroups(log);
  return cgroups.host.unusable ? pidsOfInit(container.state().pid) : cgroupPids(cgroups);
}

export function containerStats(container: RuntimeContainer, log: Logger): CgroupStats {
  if (container.status(log) === 'stopped') throw new FailedPreconditionError(`container ${container.id} is not running`);
  return cgroupStats(container.cgroups(log));
}
