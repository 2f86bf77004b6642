// After a container's init exits: release what it held, record the "die" event, remove it if it
// was run with --rm, or start it again as its restart policy says (with docker's back-off).
// Runs as the monitor's exit command (`mydocker internal cleanup <id>`), in the foreground CLI,
// and in stop; whoever comes first does the work, the others find nothing left to do.
import { readJsonIfExists, writeJsonAtomic } from '../../store/atomic';
import { pidStartTime } from '../../runtime/state';
import * as fs from 'node:fs';
import type { ContainerRecord } from '../container-store';
import {
  event, lockContainer, pollUntil, removeFileIfExists, store, viewContainer, type ContainerView, type EngineDeps, type RestartRecord,
  type StartedRecord,
} from './context';
import { releaseStopped } from './release';
import { removeStopped } from './remove';
import { startContainer } from './start';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 60_000;
/** A container that ran this long before exiting restarts without delay growth (docker's rule). */
const STABLE_RUN_MS = 10_000;

export interface ExitHandling {
  removed: boolean;
  /** Restart after this many milliseconds (restart policy). */
  restartAfterMs?: number;
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

/** The part done under the container's lock. */
export async function handleExitLocked(deps: EngineDeps, view: ContainerView): Promise<ExitHandling> {
  const { record, paths } = view;
  if (view.derived.status === 'running' || view.derived.status === 'paused') return { removed: false };
  const released = await releaseStopped(deps, view);
  if (released) {
    if (view.exit?.oomKilled) event(deps, record, 'oom');
    event(deps, record, 'die', { exitCode: String(view.exit?.exitCode ?? 255) });
  }
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

export async function cleanupAfterExit(deps: EngineDeps, id: string): Promise<ExitHandling> {
  // Removed already (or its whole store was deleted): taking the lock would recreate the runroot.
  if (!fs.existsSync(deps.layout.containerDir(id))) return { removed: true };
  const handling = await lockContainer(deps, id, async () => {
    const record = store(deps).load(id);
    if (!record) return { removed: true };
    let view = viewContainer(deps, record);
    // The init is gone but its monitor is still writing the exit file: give it a moment.
    if (view.derived.reason === 'exiting') await pollUntil(() => (view = viewContainer(deps, record)).derived.reason !== 'exiting', 5000);
    return handleExitLocked(deps, view);
  });
  if (handling.restartAfterMs === undefined) return handling;
  await new Promise((r) => setTimeout(r, handling.restartAfterMs));
  await lockContainer(deps, id, async () => {
    const record = store(deps).load(id);
    if (!record) return;
    const paths = viewContainer(deps, record).paths;
    const mine = readJsonIfExists<RestartRecord>(paths.restartFile)?.pid === process.pid;
    if (!mine || fs.existsSync(paths.manualStopFile)) {
      if (mine) removeFileIfExists(paths.restartFile);
      return; // stopped or removed during the back-off
    }
    // Keep the back-off history for the next exit, but no longer claim to be waiting.
    const r = readJsonIfExists<RestartRecord & { backoffMs: number }>(paths.restartFile);
    if (r) writeJsonAtomic(paths.restartFile, { ...r, pid: 0, pidStartTime: '' });
    const started = readJsonIfExists<StartedRecord>(paths.startedFile);
    await startContainer(deps, record, { restartCount: (started?.restartCount ?? 0) + 1 });
  });
  return handling;
}
