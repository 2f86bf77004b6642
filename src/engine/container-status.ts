// A container's status is derived from facts on disk and live probes, never stored:
// the record, the runtime state (pid + start time, monitor), the exit file, the boot id and the
// freezer. Docker's words ("Up 3 minutes") live only in formatters.
import type { ExitInfo } from '../monitor/attach-protocol';
import type { RuntimeState } from '../runtime/state';

export type Status = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';

export interface StatusFacts {
  state?: RuntimeState;
  exit?: ExitInfo;
  /** When the container last started (started.json), to tell a fresh exit file from an old one. */
  startedAt?: string;
  bootId: string;
  initAlive: boolean;
  monitorAlive: boolean;
  frozen: boolean;
  /** A restart is pending (restart policy back-off) and its waiter is alive. */
  restarting: boolean;
}

export interface DerivedStatus {
  status: Status;
  /** Why, when the facts are unusual (dead, rebooted). */
  reason?: string;
  /** Runtime state that no longer describes a live container: cleanup may remove it. */
  stale: boolean;
}

/** RFC 3339 times with any number of fraction digits, made comparable as strings (9 digits). */
export function comparableTime(t: string): string {
  return t.replace(/(\.\d+)?Z$/, (_, frac: string | undefined) => `.${(frac ?? '.').slice(1).padEnd(9, '0')}Z`);
}

export function deriveStatus(f: StatusFacts): DerivedStatus {
  const exitedAfterStart = !!f.exit && (!f.startedAt || comparableTime(f.exit.finishedAt) >= comparableTime(f.startedAt));
  if (!f.state) {
    if (f.restarting) return { status: 'restarting', stale: false };
    if (f.exit || f.startedAt) return exitedAfterStart || !f.startedAt
      ? { status: 'exited', stale: false }
      : { status: 'dead', reason: 'the container process died while nothing watched it', stale: false };
    return { status: 'created', stale: false };
  }
  if (f.state.bootId && f.state.bootId !== f.bootId) {
    // Nothing survives a reboot: the container stopped, whether or not its exit was recorded.
    return { status: 'exited', reason: 'the host rebooted', stale: true };
  }
  if (f.initAlive) return { status: f.frozen ? 'paused' : 'running', stale: false };
  if (exitedAfterStart) return { status: 'exited', stale: true };
  if (f.monitorAlive) {
    // The init is gone and its monitor is writing the exit file right now.
    return { status: 'running', reason: 'exiting', stale: false };
  }
  return { status: 'dead', reason: 'the container process died while nothing watched it', stale: true };
}

/** The transitions each operation needs, in one place. */
export const can = {
  start: (s: Status) => s === 'created' || s === 'exited' || s === 'dead',
  stop: (s: Status) => s === 'running' || s === 'paused' || s === 'restarting',
  kill: (s: Status) => s === 'running' || s === 'paused',
  pause: (s: Status) => s === 'running',
  unpause: (s: Status) => s === 'paused',
  exec: (s: Status) => s === 'running',
  removeWithoutForce: (s: Status) => s !== 'running' && s !== 'paused' && s !== 'restarting',
};
