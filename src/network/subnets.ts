// Choosing and checking subnets, docker's way: a new network takes the first block of the default pools
// (172.17.0.0/16 … 172.31.0.0/16, then 192.168.0.0/20 … 192.168.240.0/20) that overlaps no other network and
// no host route. Pure: the caller passes what is in use.
import { ConflictError, InvalidArgumentError } from '../errors/errors';
import { contains, formatCidr, formatIPv4, hostRange, parseCidr, parseIPv4, within, overlaps, type Cidr } from './ipv4';

export interface UsedBlock extends Cidr {
  /** "network foo" or "a host route on eth0". */
  owner: string;
}

export function defaultPools(): Cidr[] {
  const pools: Cidr[] = [];
  for (let b = 17; b <= 31; b++) pools.push({ network: parseIPv4(`172.${b}.0.0`)!, prefix: 16 });
  for (let c = 0; c < 256; c += 16) pools.push({ network: parseIPv4(`192.168.${c}.0`)!, prefix: 20 });
  return pools;
}

export function firstOverlap(block: Cidr, used: readonly UsedBlock[]): UsedBlock | undefined {
  return used.find((u) => overlaps(block, u));
}

export function pickSubnet(used: readonly UsedBlock[], pools: readonly Cidr[] = defaultPools()): Cidr {
  const free = pools.find((p) => !firstOverlap(p, used));
  if (!free) {
    throw new ConflictError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network', {
      hint: 'give one with --subnet, or remove unused networks (mydocker network prune)',
    });
  }
  return free;
}

export interface SubnetRequest {
  subnet?: string;
  gateway?: string;
  ipRange?: string;
}

export interface SubnetPlan {
  subnet: Cidr;
  gateway: number;
  /** The addresses host-local may hand out (the whole subnet unless --ip-range). */
  range: { first: number; last: number };
  ipRange?: Cidr;
}

function cidrFlag(flag: string, text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new InvalidArgumentError(`invalid ${flag} "${text}": expected an IPv4 CIDR such as 10.10.0.0/24`);
  if (c.address !== c.network) {
    throw new InvalidArgumentError(`invalid ${flag} "${text}": it has host bits set, use ${formatCidr(c)}`);
  }
  return c;
}

/** Validates --subnet/--gateway/--ip-range and fills in what was left out. */
export function planSubnet(req: SubnetRequest, used: readonly UsedBlock[]): SubnetPlan {
  if (!req.subnet && (req.gateway || req.ipRange)) {
    throw new InvalidArgumentError(`${req.gateway ? '--gateway' : '--ip-range'} needs --subnet`);
  }
  const subnet = req.subnet ? cidrFlag('--subnet', req.subnet) : pickSubnet(used);
  if (subnet.prefix > 30) throw new InvalidArgumentError(`invalid --subnet "${req.subnet}": too small, a network needs a /30 or larger`);
  if (subnet.prefix < 8) throw new InvalidArgumentError(`invalid --subnet "${req.subnet}": larger than a /8`);
  if (req.subnet) {
    const clash = firstOverlap(subnet, used);
    if (clash) {
      throw new ConflictError(`subnet ${formatCidr(subnet)} overlaps with ${clash.owner} (${formatCidr(clash)})`, {
        hint: 'choose another --subnet',
      });
    }
  }
  const hosts = hostRange(subnet);
  let gateway = hosts.first;
  if (req.gateway) {
    const g = parseIPv4(req.gateway);
    if (g === undefined) throw new InvalidArgumentError(`invalid --gateway "${req.gateway}": expected an IPv4 address`);
    if (!contains(subnet, g) || g < hosts.first || g > hosts.last) {
      throw new InvalidArgumentError(`invalid --gateway ${req.gateway}: not a host address of subnet ${formatCidr(subnet)}`);
    }
    gateway = g;
  }
  let range = hosts;
  let ipRange: Cidr | undefined;
  if (req.ipRange) {
    ipRange = cidrFlag('--ip-range', req.ipRange);
    if (!within(ipRange, subnet)) throw new InvalidArgumentError(`invalid --ip-range ${req.ipRange}: not within subnet ${formatCidr(subnet)}`);
    const r = hostRange(ipRange);
    range = { first: Math.max(r.first, hosts.first), last: Math.min(r.last, hosts.last) };
    if (range.first === gateway && range.last === gateway) throw new InvalidArgumentError(`invalid --ip-range ${req.ipRange}: it holds only the gateway`);
  }
  return { subnet, gateway, range, ...(ipRange ? { ipRange } : {}) };
}

export function describePlan(p: SubnetPlan): string {
  return `${formatCidr(p.subnet)} gateway ${formatIPv4(p.gateway)}`;
}
