// IPv4 addresses and CIDR blocks as plain numbers: parse, format, contain, overlap. Pure.
// (IPv6: ipv6.ts, with bigints; docs/networking-ipv6.md.)

export interface Cidr {
  /** The network address, as an unsigned 32-bit number. */
  network: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a number, or undefined when text is not a dotted-quad IPv4 address. */
export function parseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export interface ParsedCidr extends Cidr {
  /** The address as written (may have host bits set, e.g. 10.1.2.3/24). */
  address: number;
}

/** "10.1.0.0/16" → its parts, or undefined when it is not an IPv4 CIDR. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIPv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  return { address, prefix, network: (address & maskOf(prefix)) >>> 0 };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.network)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function lastAddress(c: Cidr): number {
  return c.network + size(c) - 1;
}

export function contains(c: Cidr, address: number): boolean {
  return ((address & maskOf(c.prefix)) >>> 0) === c.network;
}

/** True when one block contains the other (CIDR blocks never partly overlap). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return ((a.network & maskOf(prefix)) >>> 0) === ((b.network & maskOf(prefix)) >>> 0);
}

/** True when inner lies entirely within outer. */
export function within(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && contains(outer, inner.network);
}

/** The first and last address a host may use (no network or broadcast address below /31). */
export function hostRange(c: Cidr): { first: number; last: number } {
  if (c.prefix >= 31) return { first: c.network, last: lastAddress(c) };
  return { first: c.network + 1, last: lastAddress(c) - 1 };
}
