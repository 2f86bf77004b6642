// OCI pause and resume: the container's freezer cgroup (v1 freezer.state, v2 cgroup.freeze).
import type { Logger } from '../../log/log';
import type { RuntimeContainer } from '../container';

export function pauseContainer(container: RuntimeContainer, log: Logger): void {
  container.expect('pause', log);
  container.cgroups(log).setFrozen(true);
  log.step('runtime', 'pause', { id: container.id });
}

export function resumeContainer(container: RuntimeContainer, log: Logger): void {
  container.expect('resume', log);
  container.cgroups(log).setFrozen(false);
  log.step('runtime', 'resume', { id: container.id });
}
