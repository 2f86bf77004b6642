// The other user-mode network for rootless containers: slirp4netns, for hosts without pasta (or by
// --network slirp4netns). It stays in the foreground, so we start it detached and wait for its
// ready byte; published ports are added through its API socket (add_hostfwd), one request a port.
//
//   spawn slirp4netns --configure --ready-fd 3 --api-socket SOCK --netns-type path NETNS tap0 (detached)
//   ◀── "1" on fd 3: tap0 is up at 10.0.2.100/24, gateway 10.0.2.2, DNS forwarder 10.0.2.3
//   per port: {"execute":"add_hostfwd","arguments":{...}} ──▶ SOCK ◀── {"return":{"id":N}} or {"error":...}
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { FailedPreconditionError, InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import { allocateHostPorts, type PortMapping } from './host-ports';
import type { PortMap } from './ports';

/** Where slirp4netns puts the container (its --configure defaults). */
export const SLIRP_GUEST = '10.0.2.100';

export interface SlirpStart {
  netnsPath: string;
  pidFile: string;
  apiSocket: string;
  ports: PortMap;
  log: Logger;
}

export function slirpArgs(netnsPath: string, apiSocket: string): string[] {
  // --disable-host-loopback: the container must not reach services on the host's 127.0.0.1
  return ['--configure', '--mtu=65520', '--disable-host-loopback', '--ready-fd=3', `--api-socket=${apiSocket}`, '--netns-type=path', netnsPath, 'tap0'];
}

export function hostfwdRequest(m: PortMapping): string {
  if (m.protocol === 'sctp') throw new FailedPreconditionError('slirp4netns cannot forward sctp ports: publish tcp or udp ports');
  return JSON.stringify({
    execute: 'add_hostfwd',
    arguments: { proto: m.protocol, host_addr: m.hostIP || '0.0.0.0', host_port: m.hostPort, guest_addr: SLIRP_GUEST, guest_port: m.containerPort },
  });
}

function apiCall(socket: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const conn = net.connect(socket, () => conn.end(request));
    conn.on('data', (c) => (reply += c));
    conn.on('end', () => resolve(reply));
    conn.on('error', reject);
  });
}

export async function startSlirp(opts: SlirpStart): Promise<PortMap> {
  const { mappings, bound } = await allocateHostPorts(opts.ports, []);
  fs.mkdirSync(path.dirname(opts.pidFile), { recursive: true, mode: 0o700 });
  fs.rmSync(opts.apiSocket, { force: true });
  const child = spawn('slirp4netns', slirpArgs(opts.netnsPath, opts.apiSocket), { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const ready = await new Promise<boolean>((resolve) => {
    child.on('error', () => resolve(false));
    child.on('exit', () => resolve(false));
    (child.stdio[3] as NodeJS.ReadableStream).once('data', () => resolve(true));
  });
  if (!ready) {
    throw new FailedPreconditionError(`slirp4netns failed to set up the container's network: ${stderr.trim().split('\n').pop() || 'it exited'}`, {
      hint: 'install slirp4netns (and make /dev/net/tun usable by users), or use --network none|host',
    });
  }
  fs.writeFileSync(opts.pidFile, `${child.pid}\n`);
  // it lives on after this command: nothing of ours may hold it
  child.stderr!.destroy();
  (child.stdio[3] as NodeJS.ReadableStream & { destroy(): void }).destroy();
  child.unref();
  opts.log.step('network', 'slirp4netns', { pid: child.pid, ports: mappings.length });
  for (const m of mappings) {
    const reply = await apiCall(opts.apiSocket, hostfwdRequest(m));
    if (!reply.includes('"return"')) throw new InternalError(`slirp4netns did not forward ${m.hostIP || '0.0.0.0'}:${m.hostPort}/${m.protocol}: ${reply.trim()}`);
  }
  return bound;
}
