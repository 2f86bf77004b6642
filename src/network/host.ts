// What a bridge network owns on the host, outside any container: the bridge device with the gateway
// address (its connected route is what reserves the subnet host-wide), and a few iptables rules (outbound
// masquerade, FORWARD accepts). Made at `network create` (or first use of the default network), removed at
// `network rm`. Kernel calls go through iproute2 and iptables, as the CNI plugins do themselves.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import { withLockFile } from '../store/lock';
import { type Cidr, formatCidr, formatIPv4, parseCidr } from './ipv4';
import { type Cidr6, formatIPv6, reservedBlock6 } from './ipv6';

const SBIN_PATH = `${process.env.PATH ?? '/usr/bin:/bin'}:/usr/local/sbin:/usr/sbin:/sbin`;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCommand(file: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: { ...process.env, PATH: SBIN_PATH }, timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      if (err && code === -1) reject(new InternalError(`cannot run ${file}: ${err.message}`, { cause: err }));
      else resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function must(file: string, args: string[], log: Logger, input?: string): Promise<string> {
  const r = await runCommand(file, args, input);
  log.step('network', 'host-command', { command: `${file} ${args.join(' ')}`, code: r.code });
  if (r.code !== 0) throw new InternalError(`${file} ${args.join(' ')} failed: ${r.stderr.trim() || `exit status ${r.code}`}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------------------
// The host-wide lock. Subnets (routes), bridge names and host ports are shared by every mydocker store on the
// machine (tests run many at once, each with its own --root), so choosing and claiming them is serialized here.

export const HOST_LOCK_FILE = process.env.MYDOCKER_NETWORK_LOCK ?? '/run/lock/mydocker-network.lock';
export function withHostLock<T>(fn: () => Promise<T> | T): Promise<T> {
  return withLockFile(HOST_LOCK_FILE, fn);
}

// ---------------------------------------------------------------------------------------------------------
// Routes and devices

export interface HostRoute extends Cidr {
  device: string;
}

/** IPv4 routes of the main table (/proc/net/route), without default routes. */
export function hostRoutes(text = readRouteTable()): HostRoute[] {
  const out: HostRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHex(f[1]);
    const mask = leHex(f[7]);
    if (mask === 0) continue;
    const prefix = 32 - Math.log2(2 ** 32 - mask);
    if (!Number.isInteger(prefix)) continue;
    out.push({ device: f[0], network: dest, prefix });
  }
  return out;
}

function readRouteTable(): string {
  try {
    return fs.readFileSync('/proc/net/route', 'utf8');
  } catch {
    return '';
  }
}

/** /proc/net/route prints addresses as little-endian hex. */
function leHex(text: string): number {
  const n = parseInt(text, 16);
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | ((n >>> 24) & 0xff)) >>> 0;
}

export interface HostRoute6 extends Cidr6 {
  device: string;
}

/**
 * IPv6 routes of every table (/proc/net/ipv6_route) that reserve a block: not default routes, not host routes
 * (/128: the host's own addresses, covered by their connected routes), not link-local or multicast, not lo.
 */
export function hostRoutes6(text = readFileOr('/proc/net/ipv6_route')): HostRoute6[] {
  const out: HostRoute6[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^[0-9a-f]{32}$/.test(f[0])) continue;
    const prefix = parseInt(f[1], 16);
    const device = f[9];
    if (prefix === 0 || prefix === 128 || device === 'lo') continue;
    const route = { device, network: BigInt(`0x${f[0]}`), prefix };
    if (reservedBlock6(route)) continue;
    out.push(route);
  }
  return out;
}

function readFileOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Why this kernel cannot carry an IPv6 network, or undefined when it can. */
export function ipv6Unavailable(): string | undefined {
  const all = readFileOr('/proc/sys/net/ipv6/conf/all/disable_ipv6').trim();
  if (all === '') return 'the kernel has no IPv6 (no /proc/sys/net/ipv6)';
  if (all !== '0') return 'IPv6 is disabled on this host (net.ipv6.conf.all.disable_ipv6=1)';
  return undefined;
}

export function deviceExists(name: string): boolean {
  return fs.existsSync(path.join('/sys/class/net', name));
}

export interface BridgeSpec {
  bridge: string;
  subnet: Cidr;
  gateway: number;
  /** A dual-stack network's IPv6 gateway, on the bridge as well. */
  ipv6?: { gateway: bigint; prefix: number };
}

/**
 * Creates the bridge with the gateway address(es) and brings it up (one iproute2 batch). The IPv6 gateway is
 * added `nodad`: a bridge without ports has no carrier, and a tentative address would answer nobody.
 */
export async function createBridge(spec: BridgeSpec, log: Logger): Promise<void> {
  const batch = [
    `link add name ${spec.bridge} type bridge`,
    `addr add ${formatIPv4(spec.gateway)}/${spec.subnet.prefix} dev ${spec.bridge}`,
    ...(spec.ipv6 ? [`addr add ${formatIPv6(spec.ipv6.gateway)}/${spec.ipv6.prefix} dev ${spec.bridge} nodad`] : []),
    `link set ${spec.bridge} up`,
  ].join('\n');
  await must('ip', ['-batch', '-'], log, batch + '\n');
}

export async function deleteBridge(name: string, log: Logger): Promise<void> {
  if (!deviceExists(name)) return;
  const r = await runCommand('ip', ['link', 'del', name]);
  log.step('network', 'host-command', { command: `ip link del ${name}`, code: r.code });
  if (r.code !== 0 && deviceExists(name)) throw new InternalError(`ip link del ${name} failed: ${r.stderr.trim()}`);
}

/** The veth peers still plugged into a bridge (what its containers left, if anything). */
export function bridgePorts(name: string): string[] {
  try {
    return fs.readdirSync(path.join('/sys/class/net', name, 'brif'));
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------------
// iptables rules of one network, each tagged with a comment naming it, so they can be found and removed.

export interface IptablesRule {
  /** ip6tables for 6; iptables otherwise. */
  family?: 4 | 6;
  table: 'nat' | 'filter';
  chain: string;
  /** Insert at the top (FORWARD accepts must come before other software's drops) or append. */
  position: 'insert' | 'append';
  spec: string[];
}

export function ruleComment(networkId: string): string {
  return `mydocker network ${networkId.slice(0, 12)}`;
}

/**
 * A network's rules, in their final order. FORWARD (inserted at the top, so they also work on hosts whose
 * FORWARD policy is DROP): traffic within the bridge passes; to the outside passes; replies and DNAT'd
 * traffic (published ports) come in; other interfaces may reach it; other mydocker bridges (`mdk-+`) may not
 * (docker's isolation between networks). An internal network talks to its own bridge only. nat: outbound
 * masquerade of the subnet (not for internal networks).
 */
export function networkRules(opts: { networkId: string; bridge: string; subnet: Cidr; internal: boolean }): IptablesRule[] {
  return bridgeRules(opts.networkId, opts.bridge, formatCidr(opts.subnet), opts.internal);
}

function bridgeRules(networkId: string, br: string, subnet: string, internal: boolean): IptablesRule[] {
  const c = ['-m', 'comment', '--comment', ruleComment(networkId)];
  const rule = (spec: string[], target: string): IptablesRule => ({ table: 'filter', chain: 'FORWARD', position: 'insert', spec: [...spec, ...c, '-j', target] });
  if (internal) {
    return [rule(['-i', br, '-o', br], 'ACCEPT'), rule(['-i', br], 'DROP'), rule(['-o', br], 'DROP')];
  }
  return [
    rule(['-i', br, '-o', br], 'ACCEPT'),
    rule(['-i', br, '!', '-o', 'mdk-+'], 'ACCEPT'),
    rule(['-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED,DNAT'], 'ACCEPT'),
    rule(['!', '-i', 'mdk-+', '-o', br], 'ACCEPT'),
    rule(['-i', 'mdk-+', '-o', br], 'DROP'),
    { table: 'nat', chain: 'POSTROUTING', position: 'append', spec: ['-s', subnet, '!', '-o', br, ...c, '-j', 'MASQUERADE'] },
  ];
}

/**
 * The same rules for a dual-stack network's IPv6 subnet, in ip6tables (docker does the same with ip6tables on,
 * its default since 27): FORWARD accepts and isolation, and masquerade of the subnet going out.
 */
export function networkRules6(opts: { networkId: string; bridge: string; subnet: string; internal: boolean }): IptablesRule[] {
  return bridgeRules(opts.networkId, opts.bridge, opts.subnet, opts.internal).map((r) => ({ ...r, family: 6 }));
}

function iptablesFor(r: IptablesRule): string {
  return r.family === 6 ? 'ip6tables' : 'iptables';
}

/** (Re)installs a network's rules in order: any earlier copies go first, then inserts run last rule first. */
export async function ensureRules(rules: IptablesRule[], log: Logger): Promise<void> {
  for (const family of [4, 6] as const) {
    const mine = rules.filter((r) => (r.family ?? 4) === family);
    if (!mine.length) continue;
    const comments = mine.map((r) => r.spec[r.spec.indexOf('--comment') + 1]).filter(Boolean);
    const save = await runCommand(family === 6 ? 'ip6tables-save' : 'iptables-save', []);
    if (save.code !== 0 || comments.some((c) => save.stdout.includes(c))) await removeRules(mine, log);
    for (const r of [...mine].reverse().filter((x) => x.position === 'insert')) {
      await must(iptablesFor(r), ['-w', '-t', r.table, '-I', r.chain, ...r.spec], log);
    }
    for (const r of mine.filter((x) => x.position === 'append')) {
      await must(iptablesFor(r), ['-w', '-t', r.table, '-A', r.chain, ...r.spec], log);
    }
  }
}

/** Deletes every copy of each rule; a rule that is not there is not an error. */
export async function removeRules(rules: IptablesRule[], log: Logger): Promise<void> {
  for (const r of rules) {
    for (let i = 0; i < 16; i++) {
      const del = await runCommand(iptablesFor(r), ['-w', '-t', r.table, '-D', r.chain, ...r.spec]);
      log.step('network', 'host-command', { command: `${iptablesFor(r)} -t ${r.table} -D ${r.chain} ${r.spec.join(' ')}`, code: del.code });
      if (del.code !== 0) break;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The host-wide registry of bridges: /run/mydocker-networks/<bridge>.json names the store (root) and network
// that own each bridge. A store deleted without `network rm` (a test's temp root, a wiped /var/lib/mydocker)
// leaves its bridges and rules behind; the next network creation on the machine finds them here and removes
// them, so they never exhaust the address pools. /run is a tmpfs: the registry ends with the bridges, at reboot.

export const REGISTRY_DIR = process.env.MYDOCKER_NETWORK_REGISTRY ?? '/run/mydocker-networks';

export interface BridgeOwner {
  bridge: string;
  root: string;
  network: string;
  networkId: string;
  subnet: string;
  /** A dual-stack network's IPv6 subnet (its ip6tables rules go with the bridge). */
  subnet6?: string;
  internal: boolean;
}

export function registerBridge(owner: BridgeOwner): void {
  fs.mkdirSync(REGISTRY_DIR, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(REGISTRY_DIR, `${owner.bridge}.json`), JSON.stringify(owner) + '\n');
}

export function unregisterBridge(bridge: string): void {
  fs.rmSync(path.join(REGISTRY_DIR, `${bridge}.json`), { force: true });
}

function registered(): BridgeOwner[] {
  let names: string[];
  try {
    names = fs.readdirSync(REGISTRY_DIR);
  } catch {
    return [];
  }
  const out: BridgeOwner[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(REGISTRY_DIR, n), 'utf8')) as BridgeOwner);
    } catch {
      // a torn entry: ignore it
    }
  }
  return out;
}

/** True while the owning store still has that network (same id). */
function ownerAlive(o: BridgeOwner): boolean {
  try {
    const list = JSON.parse(fs.readFileSync(path.join(o.root, 'networks', `${o.network}.conflist`), 'utf8')) as { mydocker?: { id?: string } };
    return list.mydocker?.id === o.networkId;
  } catch {
    return false;
  }
}

/** Removes bridges (and their rules) whose store or network is gone. Host lock held. Returns what went. */
export async function collectOrphanBridges(log: Logger): Promise<string[]> {
  const removed: string[] = [];
  for (const o of registered()) {
    if (ownerAlive(o)) continue;
    const subnet = parseCidr(o.subnet);
    if (subnet) await removeRules(networkRules({ networkId: o.networkId, bridge: o.bridge, subnet, internal: o.internal }), log);
    if (o.subnet6) await removeRules(networkRules6({ networkId: o.networkId, bridge: o.bridge, subnet: o.subnet6, internal: o.internal }), log);
    await deleteBridge(o.bridge, log);
    unregisterBridge(o.bridge);
    log.info('network', 'removed a bridge left by a deleted store', { bridge: o.bridge, root: o.root, network: o.network });
    removed.push(o.bridge);
  }
  return removed;
}

