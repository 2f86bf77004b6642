// One container on one network: ADD and DEL of the network's configuration list through the CNI runtime,
// with the attachment file written before each step, and the repair of what crashed containers left
// (stale attachments, host-local leases whose container is gone).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConflictError, FailedPreconditionError } from '../errors/errors';
import type { Logger } from '../log/log';
import { processAlive } from '../runtime/state';
import { Lock } from '../store/lock';
import type { Layout } from '../store/layout';
import {
  isPinned, listAttachments, loadAttachment, removeAttachmentFile, saveAttachment, unpinNetns, type AttachedNetwork, type Attachment,
} from './attachments';
import { CniRuntime } from './cni/conflist';
import { CniError } from './cni/plugin';
import type { NetworkConfigList, PluginConf } from './cni/types';
import { allocateHostPorts } from './host-ports';
import { isIPv6 } from './ipv6';
import { withHostLock } from './host';
import { syncHosts } from './name-resolution';
import type { PortMap } from './ports';
import { DEFAULT_NETWORK, networkPaths, type Network } from './store';

export interface NetDeps {
  layout: Layout;
  log: Logger;
}

let cni: CniRuntime | undefined;

export function cniRuntime(log: Logger): CniRuntime {
  cni ??= new CniRuntime({ log });
  return cni;
}

/** The list as it runs: host-local keeps its leases under our runroot unless the list says otherwise. */
export function executableList(layout: Layout, net: Network): NetworkConfigList {
  const list = JSON.parse(JSON.stringify(net.list)) as NetworkConfigList;
  delete list.mydocker;
  const dataDir = networkPaths(layout).ipamDir;
  for (const p of list.plugins as PluginConf[]) {
    const ipam = p.ipam as Record<string, unknown> | undefined;
    if (ipam && ipam.type === 'host-local' && ipam.dataDir === undefined) ipam.dataDir = dataDir;
  }
  return list;
}

export function nextIfname(att: Attachment): string {
  const used = new Set(att.networks.map((n) => n.ifname));
  for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
}

function rtFor(att: Attachment, entry: AttachedNetwork) {
  return { containerId: att.containerId, netns: isPinned(att.netns) ? att.netns : '', ifname: entry.ifname, capabilityArgs: entry.capabilityArgs };
}

/** Makes host-local's messages say what happened, in docker's words. */
function explain(err: unknown, net: string, requested: boolean): unknown {
  if (!(err instanceof CniError)) return err;
  const m = /requested IP address (\S+) is not available/.exec(err.message);
  if (m) {
    return new ConflictError(`address ${m[1]} is already in use on network ${net}`, { cause: err, hint: `choose another --ip${m[1].includes(':') ? '6' : ''}` });
  }
  if (/no IP addresses available in range set/.test(err.message)) {
    const range = /range set:? (\S+)/.exec(err.message)?.[1];
    const family = range?.includes(':') ? 'IPv6' : 'IPv4';
    return new FailedPreconditionError(`no available ${family} addresses on network ${net}${range ? ` (range ${range})` : ''}`, {
      cause: err, hint: requested ? undefined : 'remove containers from the network, or create a network with a larger --subnet',
    });
  }
  return err;
}

export interface EndpointOptions {
  aliases: string[];
  ipv4Address?: string;
  /** --ip6: host-local takes it from the network's IPv6 range set. */
  ipv6Address?: string;
  /** The bridge plugin sets it on the container's interface (its "mac" capability, CNI plugins >= 1.1). */
  macAddress?: string;
}

/**
 * Records the container's entry for a network in its attachment, before any plugin runs (the caller holds the
 * store's "networks" lock, so `network rm` sees the entry): whatever happens next, a later DEL cleans up.
 */
export function prepareEndpoint(layout: Layout, att: Attachment, net: Network, opts: EndpointOptions): AttachedNetwork {
  const entry: AttachedNetwork = {
    name: net.name, networkId: net.id, ifname: nextIfname(att), list: executableList(layout, net), capabilityArgs: {},
    aliases: [...opts.aliases], resolvesNames: net.name !== DEFAULT_NETWORK,
  };
  if (opts.ipv4Address) {
    const prefix = /\/(\d+)$/.exec(net.meta?.subnet ?? '')?.[1] ?? '32';
    entry.capabilityArgs.ips = [`${opts.ipv4Address}/${prefix}`];
  }
  if (opts.ipv6Address) {
    // host-local matches each requested address to the range set that holds it (the IPv6 one)
    const prefix = /\/(\d+)$/.exec(net.meta?.ipv6?.subnet ?? '')?.[1] ?? '128';
    entry.capabilityArgs.ips = [...((entry.capabilityArgs.ips as string[] | undefined) ?? []), `${opts.ipv6Address}/${prefix}`];
  }
  if (opts.macAddress) {
    // networks made before --mac-address existed do not declare the capability: the list as run does
    for (const p of entry.list.plugins as PluginConf[]) if (p.type === 'bridge') p.capabilities = { ...(p.capabilities ?? {}), mac: true };
    entry.capabilityArgs.mac = opts.macAddress;
  }
  att.networks.push(entry);
  saveAttachment(layout, att);
  return entry;
}

/**
 * ADD of one prepared entry. Published ports (the container's first network only) are chosen and checked
 * under the host-wide lock, held until portmap's rules exist. A full subnet first reclaims stale leases.
 */
export async function addEndpoint(deps: NetDeps, att: Attachment, entry: AttachedNetwork, ports?: PortMap): Promise<void> {
  const runtime = cniRuntime(deps.log);
  const requested = Array.isArray(entry.capabilityArgs.ips);
  if (!ports || !Object.keys(ports).length) {
    // portmap has nothing to do without published ports; not running it saves its ADD and DEL (~10 ms each).
    // The list is kept with the attachment, so DEL runs exactly the plugins ADD ran.
    entry.list = { ...entry.list, plugins: (entry.list.plugins as PluginConf[]).filter((p) => p.type !== 'portmap') };
  }
  const addOnce = async () => {
    if (ports && Object.keys(ports).length) {
      await withHostLock(async () => {
        const { mappings } = await allocateHostPorts(ports);
        entry.capabilityArgs.portMappings = mappings;
        saveAttachment(deps.layout, att);
        entry.result = await runtime.add(entry.list, rtFor(att, entry));
      });
    } else {
      entry.result = await runtime.add(entry.list, rtFor(att, entry));
    }
  };
  try {
    await addOnce();
  } catch (err) {
    const full = err instanceof CniError && /no IP addresses available/.test(err.message);
    if (!full || (await reclaimLeases(deps, entry.name)) === 0) throw explain(err, entry.name, requested);
    deps.log.info('network', 'reclaimed stale leases, retrying', { network: entry.name });
    // a failed ADD may have left its half (bridge leaves the veth when IPAM fails): DEL it first, as the spec allows
    await runtime.del(entry.list, rtFor(att, entry)).catch(() => undefined);
    try {
      await addOnce();
    } catch (again) {
      throw explain(again, entry.name, requested);
    }
  }
  saveAttachment(deps.layout, att);
}

/** DEL of one network; the entry leaves the attachment even when a plugin failed (warned, not thrown). */
export async function delEndpoint(deps: NetDeps, att: Attachment, entry: AttachedNetwork): Promise<void> {
  try {
    await cniRuntime(deps.log).del(entry.list, rtFor(att, entry), entry.result);
  } catch (err) {
    deps.log.warn('network', 'CNI DEL failed; continuing', { container: att.containerId.slice(0, 12), network: entry.name, error: (err as Error).message });
  }
  att.networks = att.networks.filter((n) => n !== entry);
  saveAttachment(deps.layout, att);
}

/** Everything an attachment holds goes: DEL of each network (last first), peers' hosts, the netns pin, the file. */
export async function teardownAttachment(deps: NetDeps, att: Attachment): Promise<void> {
  const names = att.networks.map((n) => n.name);
  // peers list this container only on networks that resolve names (not the default bridge)
  const resolving = att.networks.filter((n) => n.resolvesNames).map((n) => n.name);
  for (const entry of [...att.networks].reverse()) await delEndpoint(deps, att, entry);
  if (resolving.length) await syncHosts(deps.layout, { networks: resolving, containers: [], gone: [att.containerId] });
  unpinNetns(att.netns);
  removeAttachmentFile(deps.layout, att.containerId);
  deps.log.step('network', 'network-teardown', { container: att.containerId.slice(0, 12), networks: names.join(',') });
}

/**
 * Repairs attachments whose container init is gone (the CLI or the machine's processes were killed before
 * the release ran). Skips containers whose lock someone holds: they are being handled. Returns how many.
 */
export async function repairStaleAttachments(deps: NetDeps, only?: (a: Attachment) => boolean): Promise<number> {
  let repaired = 0;
  for (const att of listAttachments(deps.layout)) {
    if (processAlive(att.pid, att.pidStartTime) || (only && !only(att))) continue;
    const lock = new Lock(deps.layout.lockFile(`container-${att.containerId}`));
    if (!lock.tryAcquire()) continue;
    try {
      const fresh = loadAttachment(deps.layout, att.containerId);
      if (fresh && !processAlive(fresh.pid, fresh.pidStartTime)) {
        await teardownAttachment(deps, fresh);
        repaired++;
      }
    } finally {
      lock.release();
    }
  }
  return repaired;
}

/**
 * host-local keeps a lease per address (a file named by the address, holding the container id). A lease is
 * stale when no attachment of that container mentions the network (an attachment is always written before
 * ADD, and keeps its entry until DEL ran), or when that container's init is dead.
 */
export async function reclaimLeases(deps: NetDeps, network: string): Promise<number> {
  let reclaimed = await repairStaleAttachments(deps, (a) => a.networks.some((n) => n.name === network));
  const dir = path.join(networkPaths(deps.layout).ipamDir, network);
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return reclaimed;
  }
  // host-local's own lock: no plugin runs on this network while we look
  const ipamLock = new Lock(path.join(dir, 'lock'));
  await ipamLock.acquireAsync('exclusive');
  try {
    reclaimed += reclaimFiles(deps, dir, files, network);
  } finally {
    ipamLock.release();
  }
  return reclaimed;
}

function reclaimFiles(deps: NetDeps, dir: string, files: string[], network: string): number {
  let reclaimed = 0;
  for (const f of files) {
    // host-local names a lease by its address (IPv4, or IPv6 on a dual-stack network)
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(f) && !isIPv6(f)) continue;
    let owner: string;
    try {
      owner = fs.readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/)[0].trim();
    } catch {
      continue;
    }
    const att = /^[a-f0-9]{64}$/.test(owner) ? loadAttachment(deps.layout, owner) : undefined;
    if (att?.networks.some((n) => n.name === network)) continue;
    fs.rmSync(path.join(dir, f), { force: true });
    deps.log.info('network', 'reclaimed a stale lease', { network, address: f, container: owner.slice(0, 12) });
    reclaimed++;
  }
  return reclaimed;
}
