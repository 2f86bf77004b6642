// What a stopped container still holds (its cgroup, the rootfs mount, runtime state, the
// attach socket) is released once, by whoever sees the exit first: the foreground CLI, the
// monitor's exit command, or a later command repairing after a crash. The caller holds the lock.
import * as fs from 'node:fs';
import { CgroupManager } from '../../cgroups/manager';
import { detectHostCgroups } from '../../cgroups/hierarchy';
import { removeState } from '../../runtime/state';
import { writeJsonAtomic } from '../../store/atomic';
import type { ExitInfo } from '../../monitor/attach-protocol';
import { unmountOverlay } from '../../storage/overlay';
import { cgroupsOf, exitIsCurrent, type ContainerView, type EngineDeps } from './context';
import { disconnectContainer } from '../../network/container-network';

/** Returns true when there was something to release (the first cleanup after a run). */
export async function releaseStopped(deps: EngineDeps, view: ContainerView): Promise<boolean> {
  const { state, paths, record } = view;
  unmountOverlay(paths.rootfs, deps.log);
  fs.rmSync(paths.attachSocket, { force: true });
  if (!state) {
    // A start cut short before the runtime state was written (a killed CLI) may have made the
    // container's cgroup: it is named after the container, so it can be found and removed.
    await removeOrphanCgroup(deps, `${record.limits.cgroupParent}/${record.id}`, record.limits.cgroupParent === '/mydocker');
    return false;
  }
  const cgroups = cgroupsOf(state, deps.log);
  // A container stopped normally has no process left (its pid namespace died with the init);
  // after a crash or a simulated reboot there may be: they live in our cgroup, so they go.
  killCgroupMembers(cgroups);
  try {
    await cgroups.destroy(state.createdCgroups);
    if (state.pruneCgroupParent) await cgroups.pruneParent();
  } catch (err) {
    deps.log.warn('engine', 'could not remove the container cgroup', { error: (err as Error).message });
  }
  await disconnectContainer(deps, view.record);
  if (view.derived.reason === 'the host rebooted' && !exitIsCurrent(view)) {
    // Nobody recorded the end: the reboot did. Keep that as the exit, as docker shows it.
    const exit: ExitInfo = { exitCode: 255, signal: 0, oomKilled: false, finishedAt: new Date().toISOString(), error: 'the host rebooted' };
    writeJsonAtomic(paths.exitFile, exit);
  }
  removeState(paths.stateDir);
  return true;
}

function killCgroupMembers(cgroups: CgroupManager): void {
  for (const p of cgroups.placements) {
    try {
      for (const pid of fs.readFileSync(`${p.dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // no such cgroup, or the process is gone already
    }
  }
}

async function removeOrphanCgroup(deps: EngineDeps, cgroupsPath: string, pruneParent: boolean): Promise<void> {
  const cgroups = new CgroupManager(detectHostCgroups(), cgroupsPath, deps.log);
  const existing = cgroups.placements.map((p) => p.dir).filter((d) => fs.existsSync(d));
  if (!existing.length) return;
  killCgroupMembers(cgroups);
  try {
    await cgroups.destroy(existing);
    if (pruneParent) await cgroups.pruneParent();
  } catch (err) {
    deps.log.warn('engine', 'could not remove a leftover container cgroup', { error: (err as Error).message });
  }
}
