// User-mode networking for rootless containers: pasta (Debian's passt package) gives the container's
// network namespace a tap interface with the host's addresses and routes, and forwards -p ports
// from host sockets it opens itself. No bridge, no veth, no iptables: nothing a user namespace may not do.
//
//   start ─ netns pinned to a file (pasta drops to nobody before opening it, so /proc/PID/ns/net
//           would be refused) ─ pasta --config-net -t/-u ... ─ it daemonizes after configuring ─ pid file
//   stop  ─ SIGTERM to the pid in the pid file (pasta keeps a namespace alive by itself) ─ pid file gone
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FailedPreconditionError, InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import { runCommand } from './host';
import { allocateHostPorts, type PortMapping } from './host-ports';
import type { PortMap } from './ports';

export interface PastaStart {
  netnsPath: string;
  pidFile: string;
  ports: PortMap;
  log: Logger;
}

/** pasta's -t/-u option values: [ADDR/]HOSTPORT:CONTAINERPORT. */
export function pastaPortArgs(mappings: readonly PortMapping[]): string[] {
  const args: string[] = [];
  for (const m of mappings) {
    if (m.protocol === 'sctp') throw new FailedPreconditionError('pasta cannot forward sctp ports: publish tcp or udp ports');
    const addr = m.hostIP && m.hostIP !== '0.0.0.0' ? `${m.hostIP}/` : '';
    args.push(m.protocol === 'udp' ? '-u' : '-t', `${addr}${m.hostPort}:${m.containerPort}`);
  }
  return args;
}

export function pastaArgs(netnsPath: string, pidFile: string, mappings: readonly PortMapping[]): string[] {
  const ports = pastaPortArgs(mappings);
  const has = (flag: string) => ports.some((a, i) => i % 2 === 0 && a === flag);
  return [
    '--config-net', '--quiet', '--pid', pidFile, '--netns', netnsPath,
    // nothing but the published ports: "auto" would forward whatever the container binds, and -T/-U
    // would let the container reach services on the host's loopback
    ...(has('-t') ? [] : ['-t', 'none']), ...(has('-u') ? [] : ['-u', 'none']), '-T', 'none', '-U', 'none',
    ...ports,
  ];
}

/** Starts pasta for a pinned network namespace; resolves to the host ports actually bound. */
export async function startPasta(opts: PastaStart): Promise<PortMap> {
  const { mappings, bound } = await allocateHostPorts(opts.ports, []);
  fs.mkdirSync(path.dirname(opts.pidFile), { recursive: true, mode: 0o700 });
  const args = pastaArgs(opts.netnsPath, opts.pidFile, mappings);
  const r = await runCommand('pasta', args).catch((err: Error) => {
    throw new FailedPreconditionError(`cannot run pasta for user-mode networking: ${err.message}`, { hint: 'install the passt package, or use --network none|host' });
  });
  opts.log.step('network', 'pasta', { args: args.join(' '), code: r.code });
  if (r.code !== 0) {
    const why = r.stderr.split('\n').filter((l) => l && !l.startsWith('Failed to send')).join('; ');
    throw new InternalError(`pasta failed to set up the container's network: ${why || `exit status ${r.code}`}`, {
      ...(/tun/.test(why) ? { hint: '/dev/net/tun must be open to users (mode 0666, as udev makes it); or use --network none|host' } : {}),
    });
  }
  return bound;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isUserNetProcess(pid: number): boolean {
  try {
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return /^(pasta|passt|slirp4netns)/.test(comm) && state !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Ends the container's pasta (or slirp4netns), if it still runs (its comm is checked: the pid may have been reused), and
 * waits for it: its listening sockets are the published ports, which must be free when rm returns. Idempotent.
 */
export async function stopUserNetwork(pidFile: string, log: Logger): Promise<void> {
  const pid = readPid(pidFile);
  if (pid !== undefined && isUserNetProcess(pid)) {
    try {
      process.kill(pid, 'SIGTERM');
      log.step('network', 'user-network-stop', { pid });
    } catch {
      // exited meanwhile
    }
    for (let i = 0; i < 100 && isUserNetProcess(pid); i++) {
      if (i === 50) process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  fs.rmSync(pidFile, { force: true });
}

export function hasCommand(name: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/bin', '/usr/sbin']).some((d) => d && fs.existsSync(path.join(d, name)));
}

/** Rootless mode's default network: pasta, else slirp4netns, else none at all (then `run` says what to install). */
export function defaultUserNetwork(has: (name: string) => boolean = hasCommand): 'pasta' | 'slirp4netns' {
  return has('pasta') || !has('slirp4netns') ? 'pasta' : 'slirp4netns';
}
