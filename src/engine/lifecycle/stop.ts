// docker stop and kill. stop: the image's StopSignal (or SIGTERM), SIGKILL after the timeout,
// return once the container is stopped and released; it will not be restarted by its policy.
// Signals go through the OCI runtime's kill.
import * as fs from 'node:fs';
import { FailedPreconditionError } from '../../errors/errors';
import { parseSignal } from '../../runtime/ops/kill';
import { SIGNALS } from '../../sys/linux-constants';
import { can } from '../container-status';
import { event, lockContainer, store, viewContainer, type EngineDeps } from './context';
import { handleExitLocked, killAndWait } from './teardown';
import { signalContainer } from './runtime-dispatch';

/** -t, else the container's --stop-timeout, else docker's 10 s; -1 waits without limit. */
function stopTimeoutMs(seconds: number | undefined): number {
  const s = seconds ?? 10;
  return s < 0 ? Infinity : s * 1000;
}

export { parseSignal };

export async function stopContainer(deps: EngineDeps, ref: string, opts: { timeoutSec?: number; signal?: string }): Promise<string> {
  const record = store(deps).resolve(ref);
  await lockContainer(deps, record.id, async () => {
    const view = viewContainer(deps, record);
    fs.writeFileSync(view.paths.manualStopFile, '');
    if (!can.stop(view.derived.status)) return;
    const sig = parseSignal(opts.signal ?? record.config.StopSignal ?? 'SIGTERM');
    event(deps, record, 'kill', { signal: String(SIGNALS[sig]) });
    await killAndWait(deps, view, sig, stopTimeoutMs(opts.timeoutSec ?? record.config.StopTimeout));
    await handleExitLocked(deps, viewContainer(deps, record));
    event(deps, record, 'stop');
  });
  return record.name;
}

export async function killContainer(deps: EngineDeps, ref: string, signal = 'SIGKILL'): Promise<string> {
  const record = store(deps).resolve(ref);
  const sig = parseSignal(signal);
  await lockContainer(deps, record.id, () => {
    const view = viewContainer(deps, record);
    if (!can.kill(view.derived.status)) throw new FailedPreconditionError(`container ${record.name} is not running`);
    signalContainer(deps, record, sig);
    event(deps, record, 'kill', { signal: String(SIGNALS[sig]) });
  });
  return record.name;
}
