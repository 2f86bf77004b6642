// docker network create / rm / prune / ls / inspect, and the default `bridge` network made on first use.
// Lock order: the store's "networks" lock, then the host-wide lock (subnets and bridges are the machine's).
import { inUserNamespace } from '../sys/rootless';
import { randomBytesSync } from '../sys/random';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConflictError, FailedPreconditionError, InvalidArgumentError } from '../errors/errors';
import { readJsonIfExists } from '../store/atomic';
import { withLock } from '../store/lock';
import { UndoStack } from '../store/undo';
import { addressOf, addressOf6, listAttachments } from './attachments';
import type { NetworkConfigList } from './cni/types';
import { repairStaleAttachments, type NetDeps } from './endpoint';
import {
  collectOrphanBridges, createBridge, deleteBridge, deviceExists, ensureRules, hostRoutes, hostRoutes6, ipv6Unavailable, networkRules, networkRules6,
  registerBridge, removeRules, unregisterBridge, withHostLock,
} from './host';
import { formatCidr6, formatIPv6, overlaps6, parseCidr6, parseIPv6 } from './ipv6';
import { isEmptyRequest, planSubnet6, ulaPool, type SubnetPlan6, type UsedBlock6 } from './subnets6';
import { formatCidr, formatIPv4, overlaps, parseCidr, parseIPv4 } from './ipv4';
import { planSubnet, type SubnetPlan, type SubnetRequest, type UsedBlock } from './subnets';
import {
  DEFAULT_NETWORK, NetworkStore, PSEUDO_NETWORKS, subnetOf, validateNetworkName, type Network, type NetworkMeta,
} from './store';

export interface CreateNetworkOptions extends SubnetRequest {
  name: string;
  driver?: string;
  internal?: boolean;
  labels?: Record<string, string>;
  /** --ipv6: a dual-stack network, with an IPv6 subnet beside the IPv4 one. */
  ipv6?: boolean;
  /** Its IPv6 --subnet/--gateway/--ip-range; what is left out comes from the machine's ULA pool. */
  ipv6Subnet?: SubnetRequest;
}

/**
 * The pool IPv6 subnets come from: MYDOCKER_IPV6_POOL (a CIDR, docker's default-address-pools for v6), else a
 * ULA /48 derived from the machine id (docs/networking-ipv6.md).
 */
export function ipv6Pool(): { network: bigint; prefix: number } {
  const configured = process.env.MYDOCKER_IPV6_POOL;
  if (configured) {
    const c = parseCidr6(configured);
    if (!c || c.prefix > 64) throw new InvalidArgumentError(`invalid MYDOCKER_IPV6_POOL "${configured}": expected an IPv6 CIDR of /64 or larger`);
    return { network: c.network, prefix: c.prefix };
  }
  let seed = '';
  try {
    seed = fs.readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // no machine id: the host name still keeps the pool stable on this machine
  }
  return ulaPool(seed || os.hostname());
}

function bridgeName(id: string): string {
  return `mdk-${id.slice(0, 10)}`;
}

/** The configuration list of a bridge network: bridge (+ host-local IPAM) and portmap, CNI 1.0.0. */
export function bridgeConfList(name: string, meta: NetworkMeta, plan: SubnetPlan, plan6?: SubnetPlan6): NetworkConfigList {
  const range: Record<string, string> = { subnet: formatCidr(plan.subnet), gateway: formatIPv4(plan.gateway) };
  const hosts = { first: plan.range.first, last: plan.range.last };
  if (plan.ipRange) {
    range.rangeStart = formatIPv4(hosts.first);
    range.rangeEnd = formatIPv4(hosts.last);
  }
  const ranges = [[range]];
  const routes = meta.internal ? [] : [{ dst: '0.0.0.0/0' }];
  if (plan6) {
    // a second range set: host-local hands out one address of each, the bridge plugin adds both (and ::/0)
    const range6: Record<string, string> = { subnet: formatCidr6(plan6.subnet), gateway: formatIPv6(plan6.gateway) };
    if (plan6.ipRange) {
      range6.rangeStart = formatIPv6(plan6.range.first);
      range6.rangeEnd = formatIPv6(plan6.range.last);
    }
    ranges.push([range6]);
    if (!meta.internal) routes.push({ dst: '::/0' });
  }
  const plugins: NetworkConfigList['plugins'] = [
    {
      type: 'bridge', bridge: meta.bridge, isGateway: true, ipMasq: false, hairpinMode: true,
      capabilities: { ips: true },
      ipam: { type: 'host-local', ranges, routes },
    },
  ];
  // IPv6 has no route_localnet: a DNAT'd [::1] connection is dropped by the kernel, so ::1 is left out of
  // the DNAT and fails at once (refused) instead of hanging; see docs/networking-ipv6.md
  if (!meta.internal) {
    plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true, ...(plan6 ? { conditionsV6: ['!', '-d', '::1/128'] } : {}) });
  }
  return { cniVersion: '1.0.0', name, plugins, mydocker: meta };
}

/** Subnets in use: this store's networks and the host's routes (bridges of other stores, real interfaces). */
function usedBlocks(store: NetworkStore, except?: string): UsedBlock[] {
  const used: UsedBlock[] = [];
  const byBridge = new Map<string, string>();
  for (const n of store.list()) {
    if (n.name === except) continue;
    const s = subnetOf(n);
    if (s) used.push({ ...s, owner: `network ${n.name}` });
    if (n.meta) byBridge.set(n.meta.bridge, n.name);
  }
  const own = except ? store.load(except)?.meta?.bridge : undefined;
  for (const r of hostRoutes()) {
    if (r.device === own) continue;
    const net = byBridge.get(r.device);
    used.push({ ...r, owner: net ? `network ${net}` : `a route on ${r.device}` });
  }
  return used;
}

/** IPv6 blocks in use: this store's dual-stack networks and the host's IPv6 routes. */
function usedBlocks6(store: NetworkStore, except?: string): UsedBlock6[] {
  const used: UsedBlock6[] = [];
  const byBridge = new Map<string, string>();
  for (const n of store.list()) {
    if (n.name === except) continue;
    const s = n.meta?.ipv6 && parseCidr6(n.meta.ipv6.subnet);
    if (s) used.push({ network: s.network, prefix: s.prefix, owner: `network ${n.name}` });
    if (n.meta) byBridge.set(n.meta.bridge, n.name);
  }
  const own = except ? store.load(except)?.meta?.bridge : undefined;
  for (const r of hostRoutes6()) {
    if (r.device === own) continue;
    const net = byBridge.get(r.device);
    used.push({ ...r, owner: net ? `network ${net}` : `a route on ${r.device}` });
  }
  return used;
}

function rules6(meta: NetworkMeta) {
  return meta.ipv6 ? networkRules6({ networkId: meta.id, bridge: meta.bridge, subnet: meta.ipv6.subnet, internal: meta.internal }) : [];
}

/** Brings up what a network needs on the host (after a reboot, or the first time). Host lock held. */
async function setUpHost(deps: NetDeps, name: string, meta: NetworkMeta): Promise<void> {
  const subnet = parseCidr(meta.subnet)!;
  const gateway = parseIPv4(meta.gateway)!;
  await UndoStack.run(async (undo) => {
    registerBridge({
      bridge: meta.bridge, root: deps.layout.root, network: name, networkId: meta.id, subnet: meta.subnet, internal: meta.internal,
      ...(meta.ipv6 ? { subnet6: meta.ipv6.subnet } : {}),
    });
    if (!deviceExists(meta.bridge)) {
      const v6 = meta.ipv6 && { gateway: parseIPv6(meta.ipv6.gateway)!, prefix: parseCidr6(meta.ipv6.subnet)!.prefix };
      await createBridge({ bridge: meta.bridge, subnet, gateway, ...(v6 ? { ipv6: v6 } : {}) }, deps.log);
      undo.push('delete the bridge', () => deleteBridge(meta.bridge, deps.log));
    }
    const rules = [...networkRules({ networkId: meta.id, bridge: meta.bridge, subnet, internal: meta.internal }), ...rules6(meta)];
    undo.push('remove the rules', () => removeRules(rules, deps.log));
    await ensureRules(rules, deps.log);
  });
}

async function tearDownHost(deps: NetDeps, meta: NetworkMeta): Promise<void> {
  const subnet = parseCidr(meta.subnet);
  if (subnet) await removeRules(networkRules({ networkId: meta.id, bridge: meta.bridge, subnet, internal: meta.internal }), deps.log);
  await removeRules(rules6(meta), deps.log);
  await deleteBridge(meta.bridge, deps.log);
  unregisterBridge(meta.bridge);
}

function newMeta(id: string, opts: CreateNetworkOptions, plan: SubnetPlan, plan6?: SubnetPlan6): NetworkMeta {
  const ipv6 = plan6 && {
    subnet: formatCidr6(plan6.subnet), gateway: formatIPv6(plan6.gateway), ...(plan6.ipRange ? { ipRange: formatCidr6(plan6.ipRange) } : {}),
  };
  return {
    id, created: new Date().toISOString(), driver: 'bridge', bridge: bridgeName(id), subnet: formatCidr(plan.subnet),
    gateway: formatIPv4(plan.gateway), ...(plan.ipRange ? { ipRange: formatCidr(plan.ipRange) } : {}), ...(ipv6 ? { ipv6 } : {}),
    internal: !!opts.internal, labels: opts.labels ?? {},
  };
}

/** Store lock and host lock held. */
async function createLocked(deps: NetDeps, store: NetworkStore, opts: CreateNetworkOptions): Promise<Network> {
  await collectOrphanBridges(deps.log);
  const plan = planSubnet(opts, usedBlocks(store));
  const plan6 = opts.ipv6 ? planSubnet6(opts.ipv6Subnet ?? {}, usedBlocks6(store), ipv6Pool()) : undefined;
  const id = randomBytesSync(32).toString('hex');
  const meta = newMeta(id, opts, plan, plan6);
  const list = bridgeConfList(opts.name, meta, plan, plan6);
  return UndoStack.run(async (undo) => {
    store.create(list);
    undo.push('remove the configuration list', () => store.remove(opts.name));
    await setUpHost(deps, opts.name, meta);
    deps.log.step('network', 'network-create', { name: opts.name, subnet: meta.subnet, subnet6: meta.ipv6?.subnet ?? '', bridge: meta.bridge });
    return store.load(opts.name)!;
  });
}

export async function createNetwork(deps: NetDeps, opts: CreateNetworkOptions): Promise<Network> {
  validateNetworkName(opts.name);
  if (inUserNamespace()) {
    throw new FailedPreconditionError(`cannot create network ${opts.name} in rootless mode: a bridge network needs root on the host`, {
      hint: 'containers get user-mode networking (pasta) by default; use -p to publish ports',
    });
  }
  if ((PSEUDO_NETWORKS as readonly string[]).includes(opts.name) || opts.name === DEFAULT_NETWORK) {
    throw new ConflictError(`network with name ${opts.name} already exists`, { hint: `${opts.name} is a predefined network` });
  }
  const driver = opts.driver ?? 'bridge';
  if (driver !== 'bridge') throw new InvalidArgumentError(`network driver "${driver}" is not supported: use bridge (or put a CNI .conflist in the networks directory)`);
  if (!opts.ipv6 && !isEmptyRequest(opts.ipv6Subnet)) {
    throw new InvalidArgumentError(`IPv6 --subnet/--gateway/--ip-range given but IPv6 is not enabled on network ${opts.name}: add --ipv6`);
  }
  if (opts.ipv6) {
    const why = ipv6Unavailable();
    if (why) throw new FailedPreconditionError(`cannot create IPv6 network ${opts.name}: ${why}`);
  }
  const store = new NetworkStore(deps.layout);
  return withLock(deps.layout, 'networks', async () => {
    if (store.load(opts.name)) throw new ConflictError(`network with name ${opts.name} already exists`);
    return withHostLock(() => createLocked(deps, store, opts));
  });
}

/**
 * The network a container is about to join, ready on the host: the default network is created on first use;
 * a network whose bridge is gone (a reboot) gets it back, after checking nobody took its subnet meanwhile.
 * The caller holds the store lock.
 */
export async function readyNetworkLocked(deps: NetDeps, store: NetworkStore, name: string): Promise<Network> {
  const net = store.load(name);
  if (net && (!net.meta || deviceExists(net.meta.bridge))) return net;
  if (!net && name !== DEFAULT_NETWORK) return store.resolve(name); // throws NotFound
  return withHostLock(async () => {
    if (!net) return createLocked(deps, store, { name: DEFAULT_NETWORK });
    const meta = net.meta!;
    const subnet = parseCidr(meta.subnet);
    const subnet6 = meta.ipv6 && parseCidr6(meta.ipv6.subnet);
    const clash6 = subnet6 && usedBlocks6(store, name).find((u) => u.owner.startsWith('a route') && overlaps6(subnet6, u));
    if (clash6) {
      throw new ConflictError(`network ${name}: its subnet ${meta.ipv6!.subnet} now overlaps with ${clash6.owner} (${formatCidr6(clash6)})`, {
        hint: `remove the network and create it again with another --subnet`,
      });
    }
    const clash = subnet && usedBlocks(store, name).find((u) => u.owner.startsWith('a route') && overlaps(subnet, u));
    if (clash) {
      const inUse = listAttachments(deps.layout).some((a) => a.networks.some((n) => n.name === name));
      if (name !== DEFAULT_NETWORK || inUse) {
        throw new ConflictError(`network ${name}: its subnet ${meta.subnet} now overlaps with ${clash.owner} (${formatCidr(clash)})`, {
          hint: `remove the network and create it again with another --subnet`,
        });
      }
      // the default network is ours to move: take the next free block
      store.remove(name);
      return createLocked(deps, store, { name: DEFAULT_NETWORK });
    }
    await setUpHost(deps, name, meta);
    return net;
  });
}

/** Containers of this store whose record names the network (running or not). */
function recordsUsing(deps: NetDeps, name: string): string[] {
  const out: string[] = [];
  for (const dirName of safeReaddir(deps.layout.containersDir)) {
    const rec = readJsonIfExists<{ name?: string; network?: { networks?: { name: string }[] }; hostConfig?: { NetworkMode?: string } }>(
      `${deps.layout.containerDir(dirName)}/container.json`,
    );
    if (!rec) continue;
    const nets = rec.network?.networks?.map((n) => n.name) ?? [rec.hostConfig?.NetworkMode];
    if (nets.includes(name)) out.push(rec.name ?? dirName.slice(0, 12));
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Store lock held: refuses while running containers use it, then removes rules, bridge and list. */
async function removeLocked(deps: NetDeps, store: NetworkStore, net: Network): Promise<void> {
  await repairStaleAttachments(deps, (a) => a.networks.some((n) => n.name === net.name));
  const users = listAttachments(deps.layout).filter((a) => a.networks.some((n) => n.name === net.name));
  if (users.length) {
    throw new ConflictError(`error while removing network: network ${net.name} id ${net.id} has active endpoints`, {
      hint: `containers: ${users.map((u) => u.containerName).join(', ')}`,
    });
  }
  const meta = net.meta;
  if (meta) await withHostLock(() => tearDownHost(deps, meta));
  store.remove(net.name);
  deps.log.step('network', 'network-remove', { name: net.name });
}

/**
 * docker network rm: never a predefined network (host, none, and the default bridge), except for
 * `system reset`, which takes everything down (`predefined`).
 */
export async function removeNetwork(deps: NetDeps, ref: string, opts: { predefined?: boolean } = {}): Promise<string> {
  const refuse = () => new FailedPreconditionError(`${ref} is a pre-defined network and cannot be removed`);
  if ((PSEUDO_NETWORKS as readonly string[]).includes(ref) || (ref === DEFAULT_NETWORK && !opts.predefined)) throw refuse();
  const store = new NetworkStore(deps.layout);
  return withLock(deps.layout, 'networks', async () => {
    const net = store.resolve(ref);
    if (net.name === DEFAULT_NETWORK && !opts.predefined) throw refuse();
    await removeLocked(deps, store, net);
    return net.name;
  });
}

/** docker network prune: user networks no container (running or stopped) refers to. */
export async function pruneNetworks(deps: NetDeps): Promise<string[]> {
  const store = new NetworkStore(deps.layout);
  return withLock(deps.layout, 'networks', async () => {
    const removed: string[] = [];
    await repairStaleAttachments(deps);
    const attached = new Set(listAttachments(deps.layout).flatMap((a) => a.networks.map((n) => n.name)));
    for (const net of store.list()) {
      if (net.name === DEFAULT_NETWORK || attached.has(net.name) || recordsUsing(deps, net.name).length) continue;
      await removeLocked(deps, store, net);
      removed.push(net.name);
    }
    return removed;
  });
}

export interface NetworkSummary {
  ID: string;
  Name: string;
  Driver: string;
  Scope: 'local';
  Internal: boolean;
  Labels: Record<string, string>;
  CreatedAt: string;
}

/**
 * Stable ids for the pseudo networks (docker's are random per daemon): sha256 of "mydocker network host"
 * and "…none" (a unit test checks), written out so that loading this module needs no crypto.
 */
export const PSEUDO_IDS: Record<string, string> = {
  host: 'a0f69349278a2dd33b0eb60b616ab8fc1ee22d2e464ed6fb902f93fe6f67a99c',
  none: 'cb5dbfcde21832606720687307d098ec7530db94285644a1e3e4c1d7c89a6ac4',
};

function driverOf(net: Network): string {
  return net.meta?.driver ?? net.list.plugins[0]?.type ?? 'unknown';
}

export function listNetworks(deps: NetDeps): NetworkSummary[] {
  const store = new NetworkStore(deps.layout);
  const rows: NetworkSummary[] = store.list().map((n) => ({
    ID: n.id, Name: n.name, Driver: driverOf(n), Scope: 'local', Internal: n.meta?.internal ?? false, Labels: n.meta?.labels ?? {},
    CreatedAt: n.meta?.created ?? '',
  }));
  for (const name of PSEUDO_NETWORKS) {
    rows.push({ ID: PSEUDO_IDS[name], Name: name, Driver: name === 'none' ? 'null' : 'host', Scope: 'local', Internal: false, Labels: {}, CreatedAt: '' });
  }
  return rows.sort((a, b) => a.Name.localeCompare(b.Name));
}

export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: string;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string>; Config: { Subnet: string; Gateway: string; IPRange?: string }[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** Where mydocker keeps it: the CNI configuration list that is executed. */
  ConfigFile?: string;
  Plugins?: string[];
}

export function inspectNetwork(deps: NetDeps, ref: string): NetworkInspect {
  if ((PSEUDO_NETWORKS as readonly string[]).includes(ref)) {
    return {
      Name: ref, Id: PSEUDO_IDS[ref], Created: '', Scope: 'local', Driver: ref === 'none' ? 'null' : 'host', EnableIPv6: false,
      IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' },
      ConfigOnly: false, Containers: {}, Options: {}, Labels: {},
    };
  }
  const net = new NetworkStore(deps.layout).resolve(ref);
  const containers: NetworkInspect['Containers'] = {};
  for (const a of listAttachments(deps.layout)) {
    const n = a.networks.find((x) => x.name === net.name);
    const addr = n && addressOf(n);
    if (!n) continue;
    const addr6 = addressOf6(n);
    containers[a.containerId] = {
      Name: a.containerName, EndpointID: `${a.containerId.slice(0, 32)}${n.ifname}`, MacAddress: addr?.mac ?? '',
      IPv4Address: addr ? `${addr.ip}/${addr.prefix}` : '', IPv6Address: addr6 ? `${addr6.ip}/${addr6.prefix}` : '',
    };
  }
  const subnet = subnetOf(net);
  const meta = net.meta;
  return {
    Name: net.name, Id: net.id, Created: meta?.created ?? '', Scope: 'local', Driver: driverOf(net), EnableIPv6: !!meta?.ipv6,
    IPAM: {
      Driver: 'default', Options: {},
      Config: meta ? [
        { Subnet: meta.subnet, Gateway: meta.gateway, ...(meta.ipRange ? { IPRange: meta.ipRange } : {}) },
        ...(meta.ipv6 ? [{ Subnet: meta.ipv6.subnet, Gateway: meta.ipv6.gateway, ...(meta.ipv6.ipRange ? { IPRange: meta.ipv6.ipRange } : {}) }] : []),
      ] : subnet ? [{ Subnet: formatCidr(subnet), Gateway: '' }] : [],
    },
    Internal: meta?.internal ?? false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: containers,
    Options: meta ? { 'com.docker.network.bridge.name': meta.bridge } : {}, Labels: meta?.labels ?? {},
    ConfigFile: net.file, Plugins: net.list.plugins.map((p) => p.type),
  };
}
