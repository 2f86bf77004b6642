// What a stopped container still holds (its cgroup, the rootfs mount, runtime state, the
// attach socket) is released once, by whoever sees the exit first: the foreground CLI, the
// monitor's exit command, or a later command repairing after a crash. The caller holds the lock.
import * as fs from 'node:fs';
import { removeState } from '../../runtime/state';
import { unmountOverlay } from '../../storage/overlay';
import { cgroupsOf, type ContainerView, type EngineDeps } from './context';
import { disconnectContainer } from '../../network/container-network';

/** Returns true when there was something to release (the first cleanup after a run). */
export async function releaseStopped(deps: EngineDeps, view: ContainerView): Promise<boolean> {
  const { state, paths } = view;
  unmountOverlay(paths.rootfs, deps.log);
  fs.rmSync(paths.attachSocket, { force: true });
  if (!state) return false;
  const cgroups = cgroupsOf(state, deps.log);
  // A container stopped normally has no process left (its pid namespace died with the init);
  // after a crash or a simulated reboot there may be: they live in our cgroup, so they go.
  for (const p of cgroups.placements) {
    try {
      for (const pid of fs.readFileSync(`${p.dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // no such cgroup, or the process is gone already
    }
  }
  try {
    await cgroups.destroy(state.createdCgroups);
    if (state.pruneCgroupParent) await cgroups.pruneParent();
  } catch (err) {
    deps.log.warn('engine', 'could not remove the container cgroup', { error: (err as Error).message });
  }
  await disconnectContainer(deps, view.record);
  removeState(paths.stateDir);
  return true;
}
