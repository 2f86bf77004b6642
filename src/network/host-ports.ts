// Host ports for -p/-P: a port is free when no host socket holds it (a bind test) and no DNAT rule already
// forwards it (ours from any store, or another engine's: portmap, netavark and docker all DNAT with --dport).
// Callers hold the host-wide network lock from the check until the portmap plugin installed its rules.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { ConflictError, InvalidArgumentError } from '../errors/errors';
import { runCommand } from './host';
import { hostPortChoice, splitPortKey, type PortBinding, type PortMap, type Protocol } from './ports';

/** What the portmap plugin takes in runtimeConfig.portMappings. */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
  hostIP: string;
}

export interface Forwarded {
  protocol: string;
  /** "" when the rule matches any local address. */
  hostIp: string;
  port: number;
}

/** Ports forwarded by DNAT rules in iptables-save output (nat table). */
export function parseDnatPorts(save: string): Forwarded[] {
  const out: Forwarded[] = [];
  for (const line of save.split('\n')) {
    if (!line.startsWith('-A ') || !/\s-j DNAT\b/.test(line)) continue;
    const proto = /\s-p (\w+)/.exec(line)?.[1] ?? 'tcp';
    const dst = /\s-d (\d+\.\d+\.\d+\.\d+)(?:\/32)?\s/.exec(line)?.[1] ?? '';
    const one = /--dport (\d+)(?::(\d+))?/.exec(line);
    const many = /--dports ([\d,:]+)/.exec(line);
    const ranges: [number, number][] = [];
    if (one) ranges.push([Number(one[1]), Number(one[2] ?? one[1])]);
    if (many) for (const part of many[1].split(',')) {
      const [a, b] = part.split(':').map(Number);
      ranges.push([a, b ?? a]);
    }
    for (const [a, b] of ranges) for (let p = a; p <= b && p - a < 65536; p++) out.push({ protocol: proto, hostIp: dst, port: p });
  }
  return out;
}

export async function forwardedPorts(): Promise<Forwarded[]> {
  const r = await runCommand('iptables-save', ['-t', 'nat']);
  // ip6tables too: a port forwarded for IPv6 only (another engine's, a dual-stack network's) is taken as well;
  // its IPv6 destination reads as "any address", which errs on the safe side
  const r6 = await runCommand('ip6tables-save', ['-t', 'nat']).catch(() => ({ code: -1, stdout: '' }));
  return [...(r.code === 0 ? parseDnatPorts(r.stdout) : []), ...(r6.code === 0 ? parseDnatPorts(r6.stdout) : [])];
}

function clashes(f: Forwarded, proto: string, hostIp: string, port: number): boolean {
  return f.port === port && f.protocol === proto && (f.hostIp === '' || hostIp === '' || hostIp === '0.0.0.0' || f.hostIp === hostIp);
}

/** Binds the port for a moment; resolves to the bound port, or the errno code when it cannot. */
function tryBind(proto: Protocol, hostIp: string, port: number): Promise<number | string> {
  const address = hostIp || '0.0.0.0';
  return new Promise((resolve) => {
    if (proto === 'udp') {
      const s = dgram.createSocket('udp4');
      s.once('error', (err: NodeJS.ErrnoException) => {
        s.close();
        resolve(err.code ?? 'EADDRINUSE');
      });
      s.bind({ port, address, exclusive: true }, () => {
        const bound = s.address().port;
        s.close(() => resolve(bound));
      });
      return;
    }
    // tcp and sctp: a TCP bind is the best test Node has for sctp as well
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EADDRINUSE'));
    srv.listen({ port, host: address, exclusive: true }, () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}

function describe(proto: string, hostIp: string, port: number): string {
  return `${hostIp || '0.0.0.0'}:${port}/${proto}`;
}

/**
 * Turns the container's port bindings into concrete mappings: fixed ports are checked, ranges and "any" get a
 * free port. Throws a ConflictError naming the first port that is taken.
 */
export async function allocateHostPorts(ports: PortMap, forwarded?: Forwarded[]): Promise<{ mappings: PortMapping[]; bound: PortMap }> {
  const taken = forwarded ?? (await forwardedPorts());
  const mappings: PortMapping[] = [];
  const bound: PortMap = {};
  const claim = (proto: string, hostIp: string, port: number) => taken.push({ protocol: proto, hostIp: hostIp === '0.0.0.0' ? '' : hostIp, port });
  const isForwarded = (proto: string, hostIp: string, port: number) => taken.some((f) => clashes(f, proto, hostIp, port));

  const free = async (proto: Protocol, hostIp: string, port: number): Promise<boolean> => {
    if (isForwarded(proto, hostIp, port)) return false;
    const r = await tryBind(proto, hostIp, port);
    if (r === 'EADDRNOTAVAIL') throw new InvalidArgumentError(`cannot publish on ${hostIp}: it is not an address of this host`);
    return typeof r === 'number';
  };

  for (const [key, bindings] of Object.entries(ports)) {
    const [containerPort, proto] = splitPortKey(key);
    for (const b of bindings) {
      const hostIp = b.HostIp === '0.0.0.0' ? '' : b.HostIp;
      const choice = hostPortChoice(b.HostPort);
      let port: number | undefined;
      if (choice.kind === 'fixed') {
        if (!(await free(proto, hostIp, choice.port))) {
          throw new ConflictError(`host port ${describe(proto, hostIp, choice.port)} is already in use`, {
            hint: 'choose another host port, or leave it out (-p CONTAINER_PORT) to get a free one',
          });
        }
        port = choice.port;
      } else if (choice.kind === 'range') {
        for (let p = choice.start; p <= choice.end && port === undefined; p++) if (await free(proto, hostIp, p)) port = p;
        if (port === undefined) throw new ConflictError(`every host port in ${choice.start}-${choice.end}/${proto} is already in use`);
      } else {
        for (let attempt = 0; attempt < 64 && port === undefined; attempt++) {
          const r = await tryBind(proto, hostIp, 0);
          if (typeof r !== 'number') throw new ConflictError(`no free host port for ${key}: ${r}`);
          if (!isForwarded(proto, hostIp, r)) port = r;
        }
        if (port === undefined) throw new ConflictError(`no free host port for ${key}`);
      }
      claim(proto, hostIp, port);
      mappings.push({ hostPort: port, containerPort, protocol: proto, hostIP: hostIp });
      (bound[key] ??= []).push({ HostIp: b.HostIp || '0.0.0.0', HostPort: String(port) } satisfies PortBinding);
    }
  }
  return { mappings, bound };
}
