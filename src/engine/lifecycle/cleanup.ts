// After a container's init exits: release what it held, record the "die" event, remove it if it
// was run with --rm, or start it again as its restart policy says (with docker's back-off).
// Runs as the monitor's exit command (`mydocker internal cleanup <id>`), in the foreground CLI,
// and in stop; whoever comes first does the work, the others find nothing left to do.
import { readJsonIfExists, writeJsonAtomic } from '../../store/atomic';
import * as fs from 'node:fs';
import { lockContainer, pollUntil, removeFileIfExists, store, viewContainer, type EngineDeps, type RestartRecord, type StartedRecord } from './context';
import { startContainer } from './start';
import { handleExitLocked, type ExitHandling } from './teardown';

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
