// docker stop and kill. stop: the image's StopSignal (or SIGTERM), SIGKILL after the timeout,
// return once the container is stopped and released; it will not be restarted by its policy.
import { FailedPreconditionError, InvalidArgumentError } from '../../errors/errors';
import { processAlive } from '../../runtime/state';
import { SIGNALS } from '../../sys/linux-constants';
import * as fs from 'node:fs';
import { can } from '../container-status';
import { handleExitLocked } from './cleanup';
import { cgroupsOf, event, lockContainer, pollUntil, store, viewContainer, type ContainerView, type EngineDeps } from './context';

export function parseSignal(text: string): NodeJS.Signals {
  const upper = text.toUpperCase();
  if (/^\d+$/.test(text)) {
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === Number(text));
    if (name) return name as NodeJS.Signals;
  } else {
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (SIGNALS[name] !== undefined) return name as NodeJS.Signals;
  }
  throw new InvalidArgumentError(`invalid signal: ${text}`);
}

function signalInit(view: ContainerView, sig: NodeJS.Signals): void {
  if (!view.state) return;
  try {
    process.kill(view.state.pid, sig);
  } catch {
    // gone already
  }
}

/** Sends sig, waits up to timeoutMs for the init to die, then SIGKILL; waits for the exit to be recorded. */
export async function killAndWait(deps: EngineDeps, view: ContainerView, sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
  const state = view.state;
  if (!state) return;
  const alive = () => processAlive(state.pid, state.pidStartTime);
  signalInit(view, sig);
  if (view.derived.status === 'paused') cgroupsOf(state, deps.log).setFrozen(false); // a frozen task cannot act on it
  if (!(await pollUntil(() => !alive(), timeoutMs))) {
    signalInit(view, 'SIGKILL');
    await pollUntil(() => !alive(), 10_000);
  }
  // the monitor records the exit right after the init is reaped
  await pollUntil(() => viewContainer(deps, view.record).derived.reason !== 'exiting', 5000);
}

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
    signalInit(view, sig);
    event(deps, record, 'kill', { signal: String(SIGNALS[sig]) });
  });
  return record.name;
}
