// The network flags of run/create, checked before anything exists: --network (none, host, bridge, a user
// network, container:OTHER), -p/-P/--expose, --ip, --network-alias, --dns, --dns-search, --add-host.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors/errors';
import type { HostsEntry } from './etc-files';
import { contains, formatIPv4, hostRange, parseCidr, parseIPv4 } from './ipv4';
import { canonicalIPv6, isIPv6 } from './ipv6';
import { parseExpose, parsePublishList } from './ports';
import { checkRequestedIp6 } from './subnets6';
import { parseLink } from './links';
import type { ContainerNetworkConfig, NetworkMode } from './settings';
import { DEFAULT_NETWORK, type Network } from './store';

export interface ParsedMode {
  mode: NetworkMode;
  /** bridge: the network's name as given; container: the other container's name or id. */
  target?: string;
}

export function parseNetworkMode(text: string): ParsedMode {
  if (text === '' || text === 'default' || text === DEFAULT_NETWORK) return { mode: 'bridge', target: DEFAULT_NETWORK };
  if (text === 'none' || text === 'host' || text === 'pasta' || text === 'slirp4netns') return { mode: text };
  if (text.startsWith('container:')) {
    const target = text.slice('container:'.length);
    if (!target) throw new InvalidArgumentError(`invalid value "${text}" for --network: container:NAME|ID needs a container`);
    return { mode: 'container', target };
  }
  return { mode: 'bridge', target: text };
}

const DOMAIN = /^[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,62}))*\.?$/;

/** --mac-address: six hex octets, a unicast address (the kernel refuses a multicast one on an interface). */
export function parseMacAddress(text: string): string {
  const m = /^([0-9a-fA-F]{2})([:-][0-9a-fA-F]{2}){5}$/.exec(text);
  if (!m) throw new InvalidArgumentError(`invalid value "${text}" for --mac-address: not a MAC address (e.g. 92:d0:c6:0a:29:33)`);
  if (parseInt(m[1], 16) & 1) throw new InvalidArgumentError(`invalid value "${text}" for --mac-address: a multicast address cannot name an interface`);
  return text.toLowerCase().replace(/-/g, ':');
}

export function validateDns(values: readonly string[]): void {
  for (const v of values) if (!isIP(v)) throw new InvalidArgumentError(`invalid value "${v}" for --dns: not an IP address`);
}

export function validateDnsSearch(values: readonly string[]): void {
  for (const v of values) {
    if (v !== '.' && (!DOMAIN.test(v) || v.length > 253)) throw new InvalidArgumentError(`invalid value "${v}" for --dns-search: not a domain name`);
  }
}

export interface ExtraHost {
  names: string[];
  /** An address, or "host-gateway" (the gateway of the container's first network). */
  ip: string;
}

/** --add-host NAME:IP (or NAME=IP), one name per flag as in docker. */
export function parseAddHost(spec: string): ExtraHost {
  const eq = spec.indexOf('=');
  const sep = eq >= 0 ? eq : spec.indexOf(':');
  const fail = (reason: string): never => {
    throw new InvalidArgumentError(`invalid value "${spec}" for --add-host: ${reason}`, { hint: 'use HOST:IP, e.g. db:10.0.0.5 or gw:host-gateway' });
  };
  if (sep <= 0) fail('expected HOST:IP');
  const name = spec.slice(0, sep);
  let ip = spec.slice(sep + 1);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!DOMAIN.test(name)) fail(`invalid host name "${name}"`);
  if (ip !== 'host-gateway' && !isIP(ip)) fail(`invalid address "${ip}"`);
  return { names: [name], ip };
}

export function resolveExtraHosts(specs: readonly string[], gateway: string | undefined): HostsEntry[] {
  return specs.map(parseAddHost).map((h) => {
    if (h.ip !== 'host-gateway') return h;
    if (!gateway) throw new InvalidArgumentError(`--add-host ${h.names[0]}:host-gateway needs a network with a gateway`);
    return { names: h.names, ip: gateway };
  });
}

/** --ip on a network: inside its subnet (and --ip-range), not its gateway. */
export function validateRequestedIp(ip: string, net: Network): void {
  const addr = parseIPv4(ip);
  if (addr === undefined) throw new InvalidArgumentError(`invalid value "${ip}" for --ip: not an IPv4 address`);
  const meta = net.meta;
  if (!meta) return; // a foreign configuration list: its IPAM plugin decides
  const subnet = parseCidr(meta.subnet)!;
  const hosts = hostRange(subnet);
  if (!contains(subnet, addr) || addr < hosts.first || addr > hosts.last) {
    throw new InvalidArgumentError(`invalid --ip ${ip}: not a host address of network ${net.name} (${meta.subnet})`);
  }
  if (meta.gateway === ip) throw new InvalidArgumentError(`invalid --ip ${ip}: it is the gateway of network ${net.name}`);
  if (meta.ipRange) {
    const range = parseCidr(meta.ipRange)!;
    if (!contains(range, addr)) throw new InvalidArgumentError(`invalid --ip ${ip}: outside the --ip-range ${meta.ipRange} of network ${net.name}`);
  }
}

/** --ip6 on a network: it must be dual-stack, and the address a host address of its IPv6 subnet. Returns it canonical. */
export function validateRequestedIp6(ip: string, net: Network): string {
  if (!isIPv6(ip)) throw new InvalidArgumentError(`invalid value "${ip}" for --ip6: not an IPv6 address`);
  const meta = net.meta;
  if (!meta) return canonicalIPv6(ip)!; // a foreign configuration list: its IPAM plugin decides
  if (!meta.ipv6) {
    throw new InvalidArgumentError(`invalid --ip6 ${ip}: network ${net.name} has no IPv6 subnet`, { hint: 'create the network with --ipv6' });
  }
  return checkRequestedIp6(ip, { name: net.name, ...meta.ipv6 });
}

export interface NetworkFlags {
  network: string;
  publish: string[];
  publishAll: boolean;
  expose: string[];
  networkAliases: string[];
  ip?: string;
  /** --ip6: a fixed IPv6 address on a dual-stack user network. */
  ip6?: string;
  dns: string[];
  dnsSearch: string[];
  addHosts: string[];
  hostname?: string;
  links?: string[];
  macAddress?: string;
  dnsOptions?: string[];
}

export interface FlagContext {
  /** The user network by name or id prefix (throws NotFound). */
  resolveNetwork(name: string): Network;
  /** The other container's id (throws NotFound). */
  resolveContainer(ref: string): string;
  warn?(message: string): void;
  /** Rootless mode: no bridges; the default network is user-mode (pasta, or slirp4netns without it). */
  rootless?: { defaultNetwork: 'pasta' | 'slirp4netns' };
}

/** Rootless mode has no bridge networks: the default one becomes user-mode networking, a named one is refused. */
function rootlessMode(m: ParsedMode, defaultNetwork: 'pasta' | 'slirp4netns'): ParsedMode {
  if (m.mode !== 'bridge') return m;
  if (m.target === DEFAULT_NETWORK) return { mode: defaultNetwork };
  throw new InvalidArgumentError(`network ${m.target} cannot be joined in rootless mode: it needs a bridge, which only root can make`, {
    hint: `use --network ${defaultNetwork} (the default), host, none or container:NAME`,
  });
}

/** All network flags together; returns what the container's record keeps. Throws InvalidArgument naming the flag. */
export function checkNetworkFlags(f: NetworkFlags, ctx: FlagContext): ContainerNetworkConfig {
  const ports = parsePublishList(f.publish);
  const exposed = [...new Set(f.expose.flatMap(parseExpose))];
  validateDns(f.dns);
  validateDnsSearch(f.dnsSearch);
  f.addHosts.forEach(parseAddHost);
  if (f.ip !== undefined && parseIPv4(f.ip) === undefined) throw new InvalidArgumentError(`invalid value "${f.ip}" for --ip: not an IPv4 address`);
  if (f.ip6 !== undefined && !isIPv6(f.ip6)) throw new InvalidArgumentError(`invalid value "${f.ip6}" for --ip6: not an IPv6 address`);
  const m = ctx.rootless ? rootlessMode(parseNetworkMode(f.network), ctx.rootless.defaultNetwork) : parseNetworkMode(f.network);
  const links = (f.links ?? []).map(parseLink);
  if (links.length && (m.mode === 'host' || m.mode === 'container')) {
    throw new InvalidArgumentError(`conflicting options: ${m.mode} type networking can't be used with links`);
  }
  const mac = f.macAddress !== undefined ? parseMacAddress(f.macAddress) : undefined;
  if (mac !== undefined && m.mode !== 'bridge') throw new InvalidArgumentError(`conflicting options: mac-address and the ${m.mode} network mode`);
  const publishes = Object.keys(ports).length > 0 || f.publishAll;
  const base: ContainerNetworkConfig = { mode: m.mode, networks: [], ports, exposed, publishAll: f.publishAll };
  const userOnly = (what: string) => new InvalidArgumentError(`${what} is supported only for containers in user defined networks`);
  if (m.mode !== 'bridge' || m.target === DEFAULT_NETWORK) {
    if (f.ip !== undefined || f.ip6 !== undefined) throw userOnly('user specified IP address');
    if (f.networkAliases.length) throw userOnly('network-scoped alias');
  }
  if (m.mode === 'container') {
    if (publishes) throw new InvalidArgumentError('conflicting options: port publishing and the container type network mode');
    if (f.dns.length || f.dnsSearch.length || f.dnsOptions?.length) throw new InvalidArgumentError('conflicting options: dns and the network mode');
    if (f.addHosts.length) throw new InvalidArgumentError('conflicting options: custom host-to-IP mapping and the network mode');
    if (f.hostname !== undefined) throw new InvalidArgumentError('conflicting options: hostname and the network mode');
    return { ...base, ports: {}, container: ctx.resolveContainer(m.target!) };
  }
  if (m.mode === 'pasta' || m.mode === 'slirp4netns') {
    if (f.ip !== undefined || f.ip6 !== undefined || f.networkAliases.length || links.length) {
      throw new InvalidArgumentError(`conflicting options: --ip, --ip6, --network-alias and --link need a bridge network, not ${m.mode}`);
    }
    return base;
  }
  if (m.mode === 'host' || m.mode === 'none') {
    if (publishes) ctx.warn?.(`Published ports are discarded when using ${m.mode} network mode`);
    return { ...base, ports: {}, publishAll: false };
  }
  let name = DEFAULT_NETWORK;
  let ip6: string | undefined;
  if (m.target !== DEFAULT_NETWORK) {
    const net = ctx.resolveNetwork(m.target!);
    name = net.name;
    if (f.ip !== undefined) validateRequestedIp(f.ip, net);
    if (f.ip6 !== undefined) ip6 = validateRequestedIp6(f.ip6, net);
  }
  return {
    ...base,
    networks: [{
      name, aliases: [...new Set(f.networkAliases)], ...(f.ip !== undefined ? { ipv4Address: formatIPv4(parseIPv4(f.ip)!) } : {}),
      ...(ip6 !== undefined ? { ipv6Address: ip6 } : {}),
      ...(mac !== undefined ? { macAddress: mac } : {}),
    }],
    ...(links.length ? { links: links.map((l) => ({ container: ctx.resolveContainer(l.target), alias: l.alias })) } : {}),
  };
}
