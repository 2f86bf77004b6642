// IPv6 addresses and CIDR blocks as 128-bit bigints: parse, format (RFC 5952), contain, overlap. Pure.
// Kept apart from ipv4.ts: the v4 code does its arithmetic on plain numbers and stays as it is.

export interface Cidr6 {
  /** The network address. */
  network: bigint;
  prefix: number;
}

export interface ParsedCidr6 extends Cidr6 {
  /** The address as written (may have host bits set, e.g. fd00::5/64). */
  address: bigint;
}

const ALL = (1n << 128n) - 1n;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (const [i, p] of pieces.entries()) {
    const quad = i === pieces.length - 1 ? DOTTED.exec(p) : null;
    if (quad) {
      // an embedded IPv4 address (::ffff:10.0.0.1) fills the last two groups
      const b = quad.slice(1).map(Number);
      if (b.some((x, j) => x > 255 || (quad[j + 1].length > 1 && quad[j + 1].startsWith('0')))) return undefined;
      out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
    } else if (HEX_GROUP.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** The address as a bigint, or undefined when text is not an IPv6 address (zone ids are refused). */
export function parseIPv6(text: string): bigint | undefined {
  if (!text.includes(':') || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return undefined;
  // the dotted quad may only end the address
  if (halves.length === 2 && halves[0].includes('.')) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups (first one on a tie) as "::". */
export function formatIPv6(n: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function isIPv6(text: string): boolean {
  return parseIPv6(text) !== undefined;
}

/** The canonical text of an address ("FD00:0::05" → "fd00::5"), or undefined when it is not one. */
export function canonicalIPv6(text: string): string | undefined {
  const n = parseIPv6(text);
  return n === undefined ? undefined : formatIPv6(n);
}

export function mask6(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL;
}

export function parseCidr6(text: string): ParsedCidr6 | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIPv6(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 128) return undefined;
  return { address, prefix, network: address & mask6(prefix) };
}

export function formatCidr6(c: Cidr6): string {
  return `${formatIPv6(c.network)}/${c.prefix}`;
}

export function lastAddress6(c: Cidr6): bigint {
  return c.network | (~mask6(c.prefix) & ALL);
}

export function contains6(c: Cidr6, address: bigint): boolean {
  return (address & mask6(c.prefix)) === c.network;
}

/** True when one block contains the other (CIDR blocks never partly overlap). */
export function overlaps6(a: Cidr6, b: Cidr6): boolean {
  const m = mask6(Math.min(a.prefix, b.prefix));
  return (a.network & m) === (b.network & m);
}

export function within6(inner: Cidr6, outer: Cidr6): boolean {
  return inner.prefix >= outer.prefix && contains6(outer, inner.network);
}

/**
 * The addresses a host may use: IPv6 has no broadcast address, but the first one of a subnet is the
 * subnet-router anycast address (RFC 4291), which docker and host-local never hand out either.
 */
export function hostRange6(c: Cidr6): { first: bigint; last: bigint } {
  if (c.prefix >= 127) return { first: c.network, last: lastAddress6(c) };
  return { first: c.network + 1n, last: lastAddress6(c) };
}

/** Link-local, multicast, loopback, unspecified, IPv4-mapped: no subnet for a network. */
export function reservedBlock6(c: Cidr6): string | undefined {
  const blocks: [string, Cidr6][] = [
    ['link-local', { network: 0xfe80n << 112n, prefix: 10 }],
    ['multicast', { network: 0xffn << 120n, prefix: 8 }],
    ['IPv4-mapped', { network: 0xffffn << 32n, prefix: 96 }],
  ];
  for (const [name, block] of blocks) if (overlaps6(c, block)) return name;
  if (c.prefix === 128 && (c.network === 0n || c.network === 1n)) return c.network === 0n ? 'unspecified' : 'loopback';
  if (c.prefix < 128 && contains6(c, 1n)) return 'loopback';
  return undefined;
}
