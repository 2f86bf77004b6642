// docker stop and kill. stop: the image's StopSignal (or SIGTERM), SIGKILL after the timeout,
// return once the container is stopped and released; it will not be restarted by its policy.
// Signals go through the OCI runtime's kill.
import * as fs from 'node:fs';
import { FailedPreconditionError } from '../../errors/errors';
import { killContainer as runtimeKill, parseSignal } from '../../runtime/ops/kill';
import { SIGNALS } from '../../sys/linux-constants';
import { can } from '../container-status';
import { event, lockContainer, runtimeContainer, store, viewContainer, type EngineDeps } from './context';
import { handleExitLocked, killAndWait } from './teardown';

export { parseSignal };

export async function stopContainer(deps: EngineDeps, ref: string, opts: { timeoutSec?: number; signal?: string }): Promise<string> {
  const record = store(deps).resolve(ref);
  await lockContainer(deps, record.id, async () => {
    const view = viewContainer(deps, record);
    fs.writeFileSync(view.paths.manualStopFile, '');
    if (!can.stop(view.derived.status)) return;
    const sig = parseSignal(opts.signal ?? record.config.StopSignal ?? 'SIGTERM');
    event(deps, record, 'kill', { signal: String(SIGNALS[sig]) });
    await killAndWait(deps, view, sig, (opts.timeoutSec ?? 10) * 1000);
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
    runtimeKill(runtimeContainer(deps, record.id), sig, deps.log);
    event(deps, record, 'kill', { signal: String(SIGNALS[sig]) });
  });
  return record.name;
}
