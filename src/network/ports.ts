// docker's port flags: -p/--publish [IP:][HOST:]CONTAINER[/PROTO] with ranges, --expose PORT[-PORT][/PROTO],
// and the PortBindings / Ports maps docker's inspect shows ("80/tcp" → [{HostIp, HostPort}]). Pure.
import { InvalidArgumentError } from '../errors/errors';
import { parseIPv4 } from './ipv4';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface PortBinding {
  HostIp: string;
  /** "" (any free port), "8080", or a range "8000-8010" to pick one from. */
  HostPort: string;
}

/** "80/tcp" → bindings, in docker's shape. */
export type PortMap = Record<string, PortBinding[]>;

interface PortRange {
  start: number;
  end: number;
}

function parsePort(text: string, what: string, fail: (reason: string) => never): number {
  if (!/^\d{1,5}$/.test(text)) fail(`invalid ${what} "${text}"`);
  const n = Number(text);
  if (n < 1 || n > 65535) fail(`invalid ${what} "${text}": ports are 1-65535`);
  return n;
}

function parseRange(text: string, what: string, fail: (reason: string) => never): PortRange {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const p = parsePort(text, what, fail);
    return { start: p, end: p };
  }
  const start = parsePort(text.slice(0, dash), what, fail);
  const end = parsePort(text.slice(dash + 1), what, fail);
  if (end < start) fail(`invalid ${what} range "${text}": the end is below the start`);
  return { start, end };
}

function splitProtocol(spec: string, fail: (reason: string) => never): [string, Protocol] {
  const slash = spec.lastIndexOf('/');
  if (slash < 0) return [spec, 'tcp'];
  const proto = spec.slice(slash + 1).toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') fail(`invalid protocol "${proto}": use tcp, udp or sctp`);
  return [spec.slice(0, slash), proto];
}

export function portKey(port: number, proto: Protocol): string {
  return `${port}/${proto}`;
}

/** "80/tcp" → [80, "tcp"]. */
export function splitPortKey(key: string): [number, Protocol] {
  const [port, proto] = key.split('/');
  return [Number(port), (proto ?? 'tcp') as Protocol];
}

/** One -p value → its bindings. Throws an InvalidArgumentError naming the flag. */
export function parsePublish(spec: string): PortMap {
  const fail = (reason: string): never => {
    throw new InvalidArgumentError(`invalid value "${spec}" for -p/--publish: ${reason}`, {
      hint: 'use [IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp], e.g. 8080:80, 127.0.0.1:8080:80/tcp, 8080-8081:80-81',
    });
  };
  if (spec.startsWith('[')) fail('IPv6 host addresses are not supported');
  const [rest, proto] = splitProtocol(spec, fail);
  const parts = rest.split(':');
  if (parts.length > 3) fail('too many colons');
  const containerText = parts[parts.length - 1];
  const hostText = parts.length >= 2 ? parts[parts.length - 2] : '';
  const hostIp = parts.length === 3 ? parts[0] : '';
  if (hostIp !== '' && parseIPv4(hostIp) === undefined) fail(`invalid host address "${hostIp}"`);
  if (containerText === '') fail('no container port');
  const container = parseRange(containerText, 'container port', fail);
  const host = hostText === '' ? undefined : parseRange(hostText, 'host port', fail);
  const count = container.end - container.start + 1;
  if (host && count > 1 && host.end - host.start + 1 !== count) {
    fail('the host and container port ranges differ in length');
  }
  const out: PortMap = {};
  for (let i = 0; i < count; i++) {
    let hostPort = '';
    if (host && count > 1) hostPort = String(host.start + i);
    else if (host) hostPort = host.start === host.end ? String(host.start) : `${host.start}-${host.end}`;
    out[portKey(container.start + i, proto)] = [{ HostIp: hostIp, HostPort: hostPort }];
  }
  return out;
}

/** Every -p value merged into one map (a container port may be published more than once). */
export function parsePublishList(specs: readonly string[]): PortMap {
  const out: PortMap = {};
  for (const spec of specs) {
    for (const [key, bindings] of Object.entries(parsePublish(spec))) (out[key] ??= []).push(...bindings);
  }
  return out;
}

/** One --expose value → "port/proto" keys. */
export function parseExpose(spec: string): string[] {
  const fail = (reason: string): never => {
    throw new InvalidArgumentError(`invalid value "${spec}" for --expose: ${reason}`, { hint: 'use PORT[-PORT][/tcp|udp], e.g. 80 or 8000-8010/udp' });
  };
  const [rest, proto] = splitProtocol(spec, fail);
  const range = parseRange(rest, 'port', fail);
  const keys: string[] = [];
  for (let p = range.start; p <= range.end; p++) keys.push(portKey(p, proto));
  return keys;
}

/** A host port choice: one fixed port, a range to pick from, or any free port. */
export function hostPortChoice(hostPort: string): { kind: 'any' } | { kind: 'fixed'; port: number } | { kind: 'range'; start: number; end: number } {
  if (hostPort === '' || hostPort === '0') return { kind: 'any' };
  const dash = hostPort.indexOf('-');
  if (dash < 0) return { kind: 'fixed', port: Number(hostPort) };
  return { kind: 'range', start: Number(hostPort.slice(0, dash)), end: Number(hostPort.slice(dash + 1)) };
}

/** docker port's lines: "80/tcp -> 0.0.0.0:8080", sorted by container port. */
export function formatPortLines(ports: Record<string, PortBinding[] | null>, only?: string): string[] {
  const keys = Object.keys(ports).sort((a, b) => splitPortKey(a)[0] - splitPortKey(b)[0] || a.localeCompare(b));
  const lines: string[] = [];
  for (const key of keys) {
    if (only !== undefined && key !== only) continue;
    for (const b of ports[key] ?? []) {
      const addr = `${b.HostIp || '0.0.0.0'}:${b.HostPort}`;
      lines.push(only !== undefined ? addr : `${key} -> ${addr}`);
    }
  }
  return lines;
}
