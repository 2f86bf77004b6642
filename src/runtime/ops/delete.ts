// OCI delete: everything the container holds goes — its processes (only with force, or when it was
// never started), its cgroup directories (exactly those create made), its state — then the
// poststop hooks run. Repairs too: a container whose init died unexpectedly is deleted the same way.
import { cgroupPids } from '../../cgroups/stats';
import type { Logger } from '../../log/log';
import type { RuntimeContainer } from '../container';
import { runHooks } from '../hooks';
import { processAlive, removeState } from '../state';

export async function deleteContainer(container: RuntimeContainer, log: Logger, opts: { force?: boolean } = {}): Promise<void> {
  if (!opts.force) container.expect('delete', log);
  if (opts.force && container.status(log) === 'creating') {
    // a create killed before it recorded anything: only its directory (and fifo) is left
    removeState(container.dir);
    return;
  }
  const state = container.state();
  const cgroups = container.cgroups(log, state);
  // A stopped container has nothing left (its pid namespace died with the init); a created one, a
  // forced delete, or a crash may leave processes: they all live in our cgroup.
  for (const pid of new Set([state.pid, ...cgroupPids(cgroups)])) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  try {
    cgroups.setFrozen(false);
  } catch {
    // no freezer
  }
  for (let i = 0; i < 500 && processAlive(state.pid, state.pidStartTime); i++) await new Promise((r) => setTimeout(r, 10));
  try {
    await cgroups.destroy(state.createdCgroups);
    if (state.pruneCgroupParent) await cgroups.pruneParent();
  } catch (err) {
    log.warn('runtime', 'could not remove the container cgroup', { error: (err as Error).message });
  }
  const hookState = { ociVersion: '1.0.2', id: container.id, status: 'stopped', bundle: state.bundle, ...(state.annotations ? { annotations: state.annotations } : {}) };
  removeState(container.dir);
  log.step('runtime', 'delete', { id: container.id });
  try {
    await runHooks('poststop', state.poststop, hookState, log);
  } catch (err) {
    log.warn('runtime', 'a poststop hook failed', { error: (err as Error).message }); // the spec: warn, go on
  }
}
