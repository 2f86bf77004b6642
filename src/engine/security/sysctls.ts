// --sysctl: only the kernel parameters a container's own namespaces hold, as docker allows them
// (IPC ones need a private IPC namespace, net.* a private network namespace); the rest would
// change the host and are refused.
import { InvalidArgumentError } from '../../errors/errors';

const IPC_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni',
  'kernel.shm_rmid_forced',
]);

export interface SysctlContext {
  hostNetwork: boolean;
  hostIpc: boolean;
}

export function parseSysctls(values: string[], ctx: SysctlContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of values) {
    const eq = raw.indexOf('=');
    if (eq < 1) throw new InvalidArgumentError(`invalid --sysctl "${raw}": expected key=value`);
    const key = raw.slice(0, eq).trim().replace(/\//g, '.');
    const value = raw.slice(eq + 1);
    if (!/^[a-z0-9_.-]+$/i.test(key) || key.includes('..')) throw new InvalidArgumentError(`invalid --sysctl key "${key}"`);
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (ctx.hostIpc) throw new InvalidArgumentError(`--sysctl ${key} is not allowed with the host's IPC namespace`);
    } else if (key.startsWith('net.')) {
      if (ctx.hostNetwork) throw new InvalidArgumentError(`--sysctl ${key} is not allowed in the host's network namespace`);
    } else {
      throw new InvalidArgumentError(`--sysctl ${key} is not allowed: it is not namespaced and would change the host`);
    }
    out[key] = value;
  }
  return out;
}
