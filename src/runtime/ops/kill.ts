// OCI kill: a signal to the init, or with `all` to every process in the container's cgroup (runc
// kill --all). A frozen container cannot act on SIGKILL until thawed: it is thawed after.
import { cgroupPids } from '../../cgroups/stats';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import { SIGNALS } from '../../sys/linux-constants';
import type { RuntimeContainer } from '../container';

/** "KILL", "SIGKILL", "9" → "SIGKILL". */
export function parseSignal(text: string): NodeJS.Signals {
  if (/^\d+$/.test(text)) {
    const name = Object.keys(SIGNALS).find((k) => SIGNALS[k] === Number(text));
    if (name) return name as NodeJS.Signals;
  } else {
    const upper = text.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (SIGNALS[name] !== undefined) return name as NodeJS.Signals;
  }
  throw new InvalidArgumentError(`invalid signal: ${text}`);
}

function send(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // exited meanwhile
  }
}

export function killContainer(container: RuntimeContainer, sig: NodeJS.Signals, log: Logger, opts: { all?: boolean } = {}): void {
  const status = container.expect('kill', log);
  const state = container.state();
  const cgroups = container.cgroups(log, state);
  const targets = opts.all ? cgroupPids(cgroups) : [state.pid];
  for (const pid of targets) send(pid, sig);
  log.step('runtime', 'kill', { id: container.id, signal: sig, processes: targets.length });
  if (status === 'paused' && sig === 'SIGKILL') cgroups.setFrozen(false);
}
