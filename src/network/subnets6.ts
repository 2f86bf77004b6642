// The IPv6 subnet of a dual-stack network (`network create --ipv6`): given with --subnet, or the first free /64
// of this machine's ULA pool. Pure: the caller passes what is in use and the pool.
//
// The pool is one /48 of the unique local range fd00::/8 whose 40-bit Global ID comes from a hash of the
// machine id (RFC 4193 asks for a pseudo-random Global ID; a stable one keeps the pool the same across runs),
// split into /64s — docker's `default-address-pools` with `{"base": "fdXX:XXXX:XXXX::/48", "size": 64}`.
// docker 28 wants a --subnet when no IPv6 pool is configured; here the pool is always there.
import { createHash } from 'node:crypto';
import { ConflictError, InvalidArgumentError } from '../errors/errors';
import {
  canonicalIPv6, contains6, formatCidr6, formatIPv6, hostRange6, lastAddress6, overlaps6, parseCidr6, parseIPv6, reservedBlock6, within6,
  type Cidr6,
} from './ipv6';
import type { SubnetRequest } from './subnets';

export interface UsedBlock6 extends Cidr6 {
  /** "network foo" or "a route on eth0". */
  owner: string;
}

/** The machine's ULA /48: fd + 40 bits of sha256(seed). */
export function ulaPool(seed: string): Cidr6 {
  const h = createHash('sha256').update(`mydocker ipv6 pool ${seed}`).digest();
  let global = 0n;
  for (let i = 0; i < 5; i++) global = (global << 8n) | BigInt(h[i]);
  return { network: ((0xfdn << 40n) | global) << 80n, prefix: 48 };
}

/** The first /`size` of the pool that overlaps nothing in use. */
export function pickSubnet6(used: readonly UsedBlock6[], pool: Cidr6, size = 64): Cidr6 {
  const step = 1n << BigInt(128 - size);
  const count = 1n << BigInt(size - pool.prefix);
  // one pass over at most 65536 candidates of a /48: enough for any host
  for (let i = 0n; i < count && i < 65536n; i++) {
    const candidate = { network: pool.network + i * step, prefix: size };
    if (!used.some((u) => overlaps6(candidate, u))) return candidate;
  }
  throw new ConflictError(`could not find an available, non-overlapping IPv6 subnet in the pool ${formatCidr6(pool)}`, {
    hint: 'give one with --subnet, or remove unused networks (mydocker network prune)',
  });
}

export interface SubnetPlan6 {
  subnet: Cidr6;
  gateway: bigint;
  /** What host-local may hand out (the whole subnet but its anycast address, unless --ip-range). */
  range: { first: bigint; last: bigint };
  ipRange?: Cidr6;
}

function cidrFlag6(flag: string, text: string): Cidr6 {
  const c = parseCidr6(text);
  if (!c) throw new InvalidArgumentError(`invalid ${flag} "${text}": expected an IPv6 CIDR such as fd00:1::/64`);
  if (c.address !== c.network) throw new InvalidArgumentError(`invalid ${flag} "${text}": it has host bits set, use ${formatCidr6(c)}`);
  return c;
}

/** Validates the IPv6 --subnet/--gateway/--ip-range and fills in what was left out. */
export function planSubnet6(req: SubnetRequest, used: readonly UsedBlock6[], pool: Cidr6): SubnetPlan6 {
  if (!req.subnet && (req.gateway || req.ipRange)) {
    throw new InvalidArgumentError(`an IPv6 ${req.gateway ? '--gateway' : '--ip-range'} needs an IPv6 --subnet`);
  }
  const subnet = req.subnet ? cidrFlag6('--subnet', req.subnet) : pickSubnet6(used, pool);
  if (subnet.prefix > 126) throw new InvalidArgumentError(`invalid --subnet "${req.subnet}": too small, a network needs a /126 or larger`);
  if (subnet.prefix < 8) throw new InvalidArgumentError(`invalid --subnet "${req.subnet}": larger than a /8`);
  const reserved = reservedBlock6(subnet);
  if (reserved) throw new InvalidArgumentError(`invalid --subnet "${req.subnet}": it overlaps the ${reserved} addresses`);
  if (req.subnet) {
    const clash = used.find((u) => overlaps6(subnet, u));
    if (clash) {
      throw new ConflictError(`subnet ${formatCidr6(subnet)} overlaps with ${clash.owner} (${formatCidr6(clash)})`, { hint: 'choose another --subnet' });
    }
  }
  const hosts = hostRange6(subnet);
  let gateway = hosts.first;
  if (req.gateway) {
    const g = parseIPv6(req.gateway);
    if (g === undefined) throw new InvalidArgumentError(`invalid --gateway "${req.gateway}": expected an IPv6 address`);
    if (!contains6(subnet, g) || g < hosts.first) {
      throw new InvalidArgumentError(`invalid --gateway ${req.gateway}: not a host address of subnet ${formatCidr6(subnet)}`);
    }
    gateway = g;
  }
  let range = hosts;
  let ipRange: Cidr6 | undefined;
  if (req.ipRange) {
    ipRange = cidrFlag6('--ip-range', req.ipRange);
    if (!within6(ipRange, subnet)) throw new InvalidArgumentError(`invalid --ip-range ${req.ipRange}: not within subnet ${formatCidr6(subnet)}`);
    range = { first: ipRange.network > hosts.first ? ipRange.network : hosts.first, last: lastAddress6(ipRange) };
    if (range.first === gateway && range.last === gateway) throw new InvalidArgumentError(`invalid --ip-range ${req.ipRange}: it holds only the gateway`);
  }
  return { subnet, gateway, range, ...(ipRange ? { ipRange } : {}) };
}

/** --subnet/--gateway/--ip-range as given (each may be repeated, docker's way): split by address family. */
export function splitByFamily(flags: { subnets: string[]; gateways: string[]; ipRanges: string[] }): { v4: SubnetRequest; v6: SubnetRequest } {
  const pick = (values: string[], flag: string, v6: boolean): string | undefined => {
    const mine = values.filter((v) => v.includes(':') === v6);
    if (mine.length > 1) {
      throw new InvalidArgumentError(`${flag} given twice for IPv${v6 ? 6 : 4}: a network has at most one IPv4 and one IPv6 subnet`);
    }
    return mine[0];
  };
  const req = (v6: boolean): SubnetRequest => {
    const subnet = pick(flags.subnets, '--subnet', v6);
    const gateway = pick(flags.gateways, '--gateway', v6);
    const ipRange = pick(flags.ipRanges, '--ip-range', v6);
    return { ...(subnet ? { subnet } : {}), ...(gateway ? { gateway } : {}), ...(ipRange ? { ipRange } : {}) };
  };
  return { v4: req(false), v6: req(true) };
}

export function isEmptyRequest(r: SubnetRequest | undefined): boolean {
  return !r || (!r.subnet && !r.gateway && !r.ipRange);
}

/** --ip6 on a dual-stack network: an IPv6 host address inside its subnet (and --ip-range), not its gateway. */
export function checkRequestedIp6(ip: string, net: { name: string; subnet: string; gateway: string; ipRange?: string }): string {
  const addr = parseIPv6(ip);
  if (addr === undefined) throw new InvalidArgumentError(`invalid value "${ip}" for --ip6: not an IPv6 address`);
  const subnet = parseCidr6(net.subnet)!;
  if (!contains6(subnet, addr) || addr < hostRange6(subnet).first) {
    throw new InvalidArgumentError(`invalid --ip6 ${ip}: not a host address of network ${net.name} (${net.subnet})`);
  }
  if (parseIPv6(net.gateway) === addr) throw new InvalidArgumentError(`invalid --ip6 ${ip}: it is the gateway of network ${net.name}`);
  if (net.ipRange && !contains6(parseCidr6(net.ipRange)!, addr)) {
    throw new InvalidArgumentError(`invalid --ip6 ${ip}: outside the --ip-range ${net.ipRange} of network ${net.name}`);
  }
  return canonicalIPv6(ip)!;
}

export function describePlan6(p: SubnetPlan6): string {
  return `${formatCidr6(p.subnet)} gateway ${formatIPv6(p.gateway)}`;
}
