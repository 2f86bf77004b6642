// Everything after a container's init exits, in one place: signal-and-wait (stop, rm -f), the
// release of what it held (the OCI runtime's delete: processes, cgroup, runtime state; then the
// rootfs mount, the attach socket, its networks), the "die" event, --rm, and the restart decision.
// stop, rm, cleanup and run call this module; none of them calls another.
import * as fs from 'node:fs';
import { CgroupManager } from '../../cgroups/manager';
import { detectHostCgroups } from '../../cgroups/hierarchy';
import { cgroupPids } from '../../cgroups/stats';
import type { ExitInfo } from '../../monitor/attach-protocol';
import { disconnectContainer } from '../container-network';
import { deleteContainer } from '../../runtime/ops/delete';
import { releaseExternalRuntime, signalContainer } from './runtime-dispatch';
import { pidStartTime, processAlive } from '../../runtime/state';
import { readJsonIfExists, writeJsonAtomic } from '../../store/atomic';
import { unmountOverlay } from '../../storage/overlay';
import { releaseMounts } from '../container-mounts';
import { releaseShm } from '../namespace-joins';
import type { ContainerRecord } from '../container-store';
import {
  event, exitIsCurrent, pollUntil, runtimeContainer, store, viewContainer, type ContainerView, type EngineDeps, type RestartRecord,
} from './context';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 60_000;
/** A container that ran this long before exiting restarts without delay growth (docker's rule). */
const STABLE_RUN_MS = 10_000;

export interface ExitHandling {
  removed: boolean;
  /** Restart after this many milliseconds (restart policy). */
  restartAfterMs?: number;
}

/** Sends sig, waits up to timeoutMs for the init to die, then SIGKILL; waits for the exit to be recorded. */
export async function killAndWait(deps: EngineDeps, view: ContainerView, sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
  const state = view.state;
  if (!state) return;
  const alive = () => processAlive(state.pid, state.pidStartTime);
  const rt = runtimeContainer(deps, view.record.id);
  const signal = (s: NodeJS.Signals) => {
    try {
      signalContainer(deps, view.record, s); // thaws a paused container after SIGKILL
    } catch {
      // stopped meanwhile
    }
  };
  signal(sig);
  if (view.derived.status === 'paused' && sig !== 'SIGKILL') rt.cgroups(deps.log).setFrozen(false); // a frozen task cannot act on it
  if (!(await pollUntil(() => !alive(), timeoutMs))) {
    signal('SIGKILL');
    await pollUntil(() => !alive(), 10_000);
  }
  // the monitor records the exit right after the init is reaped
  await pollUntil(() => viewContainer(deps, view.record).derived.reason !== 'exiting', 5000);
}

/** Releases what a stopped container holds; true when there was something to release (the first cleanup). */
export async function releaseStopped(deps: EngineDeps, view: ContainerView): Promise<boolean> {
  const { state, paths, record } = view;
  // The network's CNI DEL (plugin processes, the slowest part of a release) starts first and runs while
  // the rest is released: the rootfs, /dev/shm, the runtime state and the cgroups.
  // (A start killed before its runtime state was written may have pinned a namespace and run ADD already.)
  const network = disconnectContainer(deps, view.record);
  network.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  releaseExternalRuntime(deps, record); // --runtime runc/crun: its own state and cgroup
  unmountOverlay(paths.rootfs, deps.log);
  releaseShm(deps, record.id); // --ipc shareable: the host's view of its /dev/shm
  fs.rmSync(paths.attachSocket, { force: true });
  if (!state) {
    // A start cut short before the runtime state was written (a killed CLI) may have made the
    // container's cgroup: it is named after the container, so it can be found and removed; and the
    // runtime's half-made state directory (exec fifo only) goes with the runtime's forced delete.
    await removeOrphanCgroup(deps, `${record.limits.cgroupParent}/${record.id}`, record.limits.cgroupParent === '/mydocker');
    const rt = runtimeContainer(deps, record.id);
    if (rt.exists()) await deleteContainer(rt, deps.log, { force: true });
    await network;
    return false;
  }
  // After a crash or a simulated reboot processes may be left in its cgroup: the runtime's forced delete ends them.
  const runtime = deleteContainer(runtimeContainer(deps, record.id), deps.log, { force: true });
  const [net, rt] = await Promise.allSettled([network, runtime]);
  for (const r of [rt, net]) if (r.status === 'rejected') throw r.reason;
  if (view.derived.reason === 'the host rebooted' && !exitIsCurrent(view)) {
    // Nobody recorded the end: the reboot did. Keep that as the exit, as docker shows it.
    const exit: ExitInfo = { exitCode: 255, signal: 0, oomKilled: false, finishedAt: new Date().toISOString(), error: 'the host rebooted' };
    writeJsonAtomic(paths.exitFile, exit);
  }
  return true;
}

async function removeOrphanCgroup(deps: EngineDeps, cgroupsPath: string, pruneParent: boolean): Promise<void> {
  const cgroups = new CgroupManager(detectHostCgroups(), cgroupsPath, deps.log);
  const existing = cgroups.placements.map((p) => p.dir).filter((d) => fs.existsSync(d));
  if (!existing.length) return;
  for (const pid of cgroupPids(cgroups)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  try {
    await cgroups.destroy(existing);
    if (pruneParent) await cgroups.pruneParent();
  } catch (err) {
    deps.log.warn('engine', 'could not remove a leftover container cgroup', { error: (err as Error).message });
  }
}

/** docker rm of a stopped container: what it holds, its record, name, directory. Caller holds the lock. */
export async function removeStopped(deps: EngineDeps, view: ContainerView, removeVolumes = false): Promise<void> {
  await releaseStopped(deps, view);
  await releaseMounts(deps, view.record, removeVolumes);
  store(deps).remove(view.record);
  event(deps, view.record, 'destroy');
}

export function shouldRestart(record: ContainerRecord, view: ContainerView, manuallyStopped: boolean): boolean {
  const policy = record.hostConfig.RestartPolicy;
  if (policy.Name === 'no' || manuallyStopped || !view.exit) return false;
  if (policy.Name === 'always' || policy.Name === 'unless-stopped') return true;
  const count = view.started?.restartCount ?? 0;
  return view.exit.exitCode !== 0 && (policy.MaximumRetryCount === 0 || count < policy.MaximumRetryCount);
}

/** Doubles from 100 ms while the container keeps failing fast; back to 100 ms after a stable run. */
export function backoffMs(view: ContainerView, previous: number | undefined): number {
  const ran = view.exit && view.started ? Date.parse(view.exit.finishedAt) - Date.parse(view.started.startedAt) : 0;
  if (ran >= STABLE_RUN_MS || previous === undefined) return MIN_BACKOFF_MS;
  return Math.min(previous * 2, MAX_BACKOFF_MS);
}

/** Releases an exited container and records its "oom" and "die" events; false when nothing was held. */
export async function releaseAndReport(deps: EngineDeps, view: ContainerView): Promise<boolean> {
  const released = await releaseStopped(deps, view);
  if (released) {
    if (view.exit?.oomKilled) event(deps, view.record, 'oom');
    event(deps, view.record, 'die', { exitCode: String(view.exit?.exitCode ?? 255) });
  }
  return released;
}

/** After an exit, under the container's lock: release, "die", --rm, or the restart decision. */
export async function handleExitLocked(deps: EngineDeps, view: ContainerView): Promise<ExitHandling> {
  const { record, paths } = view;
  if (view.derived.status === 'running' || view.derived.status === 'paused') return { removed: false };
  const released = await releaseAndReport(deps, view);
  if (record.hostConfig.AutoRemove) {
    await removeStopped(deps, viewContainer(deps, record));
    return { removed: true };
  }
  if (!released || !shouldRestart(record, view, fs.existsSync(paths.manualStopFile))) return { removed: false };
  const previous = readJsonIfExists<{ backoffMs?: number }>(paths.restartFile)?.backoffMs;
  const delay = backoffMs(view, previous);
  const restart: RestartRecord & { backoffMs: number } = {
    pid: process.pid, pidStartTime: pidStartTime(process.pid) ?? '', since: new Date().toISOString(),
    exitCode: view.exit?.exitCode ?? 0, backoffMs: delay,
  };
  writeJsonAtomic(paths.restartFile, restart);
  return { removed: false, restartAfterMs: delay };
}
