// A container's networking: which network namespace it gets (new, the host's, another container's), and,
// for CNI networks, its interfaces, addresses, routes, published ports and name resolution, set up while
// the init waits and torn down when it stops. The engine calls the four hooks below; docs/networking.md.
//
//   create ─ validateNetworkOptions ─ flags checked, ContainerNetworkConfig returned for the record
//   start  ─ networkNamespacePath  ─ host / another container's netns / (new)
//          ─ connectContainer      ─ attachment written ─ netns pinned ─ CNI ADD per network ─ hosts, resolv.conf
//          (or, on CNI networks as root: connectEarly at the start of `start`, into a netns made before the init,
//           while the rootfs, spec, cgroups and init are made; adoptAttachment once the init's pid is known)
//   exit   ─ disconnectContainer   ─ CNI DEL per network (cached result) ─ peers' hosts ─ unpin ─ attachment gone
import * as fs from 'node:fs';
import { FailedPreconditionError } from '../errors/errors';
import type { RunOptions } from './container-config';
import { ContainerStore, type ContainerRecord } from './container-store';
import {
  etcFilePaths, hostsContent, readHostResolvConf, resolvConfContent, rewriteInPlace,
} from '../network/etc-files';
import type { EngineDeps } from './lifecycle/context';
import { loadState, pidStartTime, processAlive, type RuntimeState } from '../runtime/state';
import { withLock } from '../store/lock';
import {
  addressOf, isPinned, loadAttachment, netnsPinPath, newPinnedNetns, pinNetns, saveAttachment, unpinNetns, type Attachment,
} from '../network/attachments';
import { addEndpoint, prepareEndpoint, teardownAttachment } from '../network/endpoint';
import { readyNetworkLocked } from '../network/networks';
import { checkNetworkFlags, resolveExtraHosts } from '../network/options';
import type { PortMap } from '../network/ports';
import { buildSettings, networkConfigOf, updateRecord } from './network-record';
import type { ContainerNetworkConfig, NetworkSettings } from '../network/settings';
import { hostsFor, syncHosts } from '../network/name-resolution';
import { linkHosts, type LinkedContainer } from '../network/links';
import { NetworkStore } from '../network/store';
import { defaultUserNetwork, startPasta, stopUserNetwork } from '../network/pasta';
import { startSlirp } from '../network/slirp4netns';
import { inUserNamespace } from '../sys/rootless';

export type { NetworkSettings } from '../network/settings';

/** At create: check the network flags (mode exists, addresses and ports parse); the result goes in the record. */
export async function validateNetworkOptions(opts: RunOptions, deps: EngineDeps): Promise<ContainerNetworkConfig> {
  const networks = new NetworkStore(deps.layout);
  const containers = new ContainerStore(deps.layout);
  return checkNetworkFlags(opts, {
    resolveNetwork: (name) => networks.resolve(name),
    resolveContainer: (ref) => containers.resolve(ref).id,
    ...(deps.warn ? { warn: deps.warn } : {}),
    ...(inUserNamespace() ? { rootless: { defaultNetwork: defaultUserNetwork() } } : {}),
  });
}

/** The running init of another container (for --network container:OTHER). */
function runningInit(deps: EngineDeps, id: string): RuntimeState | undefined {
  const state = loadState(deps.layout.runtimeStateDir(id));
  return state && processAlive(state.pid, state.pidStartTime) ? state : undefined;
}

/** The network namespace to join instead of creating one (--network host, container:NAME), if any. */
export function networkNamespacePath(deps: EngineDeps, record: ContainerRecord): 'host' | string | undefined {
  const cfg = networkConfigOf(record);
  if (cfg.mode === 'host') return 'host';
  if (cfg.mode !== 'container') return undefined;
  const other = new ContainerStore(deps.layout).resolve(cfg.container!);
  const state = runningInit(deps, other.id);
  if (!state) {
    throw new FailedPreconditionError(`cannot join the network namespace of container ${other.name}: it is not running`, {
      hint: `start ${other.name} first`,
    });
  }
  const pin = netnsPinPath(deps.layout, other.id);
  return isPinned(pin) ? pin : `/proc/${state.pid}/ns/net`;
}

/** A linked container as --link needs it: running, and its address on the given network. */
function linkedContainer(deps: EngineDeps, id: string, network: string): LinkedContainer | undefined {
  const other = new ContainerStore(deps.layout).load(id);
  if (!other) return undefined;
  const att = loadAttachment(deps.layout, id);
  const running = !!runningInit(deps, id);
  const entry = running ? att?.networks.find((n) => n.name === network) : undefined;
  return { name: other.name, hostname: other.config.Hostname, running, ip: entry && addressOf(entry)?.ip };
}

/** The ports -p and -P publish: -P adds every exposed port (image and --expose) on a free host port. */
async function portsToPublish(deps: EngineDeps, record: ContainerRecord, cfg: ContainerNetworkConfig): Promise<{ ports: PortMap; exposed: string[] }> {
  const ports: PortMap = JSON.parse(JSON.stringify(cfg.ports)) as PortMap;
  const image = await deps.images.find(record.imageId).catch(() => undefined);
  const exposed = [...new Set([...Object.keys(image?.config.ExposedPorts ?? {}), ...cfg.exposed, ...Object.keys(cfg.ports)])];
  if (cfg.publishAll) for (const key of exposed) ports[key] ??= [{ HostIp: '', HostPort: '' }];
  return { ports, exposed };
}

/** The container's --dns, --dns-search and --dns-option, as resolvConfContent takes them. */
function dnsOf(record: ContainerRecord) {
  return { dns: record.hostConfig.Dns, search: record.hostConfig.DnsSearch, options: record.hostConfig.DnsOptions ?? [] };
}

function saveSettings(deps: EngineDeps, record: ContainerRecord, settings: NetworkSettings): void {
  // unchanged (network none or host, the same settings since create): no read-modify-write on the run path
  if (record.networkSettings && JSON.stringify(record.networkSettings) === JSON.stringify(settings)) return;
  record.networkSettings = settings;
  updateRecord(deps.layout, record.id, (r) => {
    r.networkSettings = settings;
  });
}

/** /etc/hosts and /etc/resolv.conf for containers without CNI networks. */
function writeFilesWithoutNetworks(deps: EngineDeps, record: ContainerRecord, cfg: ContainerNetworkConfig): void {
  const files = etcFilePaths(deps.layout.containerDir(record.id));
  const hc = record.hostConfig;
  if (cfg.mode === 'container') {
    const other = etcFilePaths(deps.layout.containerDir(cfg.container!));
    for (const k of ['hosts', 'resolvConf'] as const) {
      try {
        rewriteInPlace(files[k], fs.readFileSync(other[k], 'utf8'));
      } catch {
        // the other container's file is gone: keep the defaults
      }
    }
    return;
  }
  const extraHosts = resolveExtraHosts(hc.ExtraHosts ?? [], undefined);
  const dns = dnsOf(record);
  if (cfg.mode === 'host') {
    let hostHosts = '';
    try {
      hostHosts = fs.readFileSync('/etc/hosts', 'utf8');
    } catch {
      hostHosts = hostsContent(record.config.Hostname);
    }
    const extra = extraHosts.map((e) => `${e.ip}\t${e.names.join(' ')}\n`).join('');
    rewriteInPlace(files.hosts, (hostHosts.endsWith('\n') || hostHosts === '' ? hostHosts : `${hostHosts}\n`) + extra);
    rewriteInPlace(files.resolvConf, resolvConfContent(readHostResolvConf(), { ...dns, keepLoopback: true }));
    return;
  }
  if (extraHosts.length) rewriteInPlace(files.hosts, hostsContent(record.config.Hostname, [], { extraHosts }));
  if (hc.Dns.length || hc.DnsSearch.length || dns.options.length) rewriteInPlace(files.resolvConf, resolvConfContent(readHostResolvConf(), dns));
}

/** The process an attachment lives as long as: the container's init, or the starting CLI until then. */
type Owner = Pick<RuntimeState, 'pid' | 'pidStartTime'>;

/** A restart can come before the previous run's release: that run's networking goes first. */
async function releasePrevious(deps: EngineDeps, record: ContainerRecord): Promise<void> {
  const previous = loadAttachment(deps.layout, record.id);
  if (previous && !processAlive(previous.pid, previous.pidStartTime)) await teardownAttachment(deps, previous);
}

/**
 * Whether start may set the network up before the init exists (connectEarly): CNI networks as root. Not
 * rootless (this thread could not come back to the host's namespace) nor the user-mode networks, and not
 * for a container with a user namespace of its own: its net namespace must belong to that user namespace,
 * or `exec`, which enters the user namespace first, could not join it.
 */
export function connectsEarly(record: ContainerRecord): boolean {
  const cfg = networkConfigOf(record);
  return cfg.mode === 'bridge' && cfg.networks.length > 0 && !record.idMappings && !inUserNamespace();
}

/**
 * connectContainer into a network namespace made and pinned now, with no process in it yet: the CNI
 * plugins run while the caller builds the rootfs, spec, cgroups and init, and the init joins the pinned
 * namespace. Until adoptAttachment, the attachment belongs to this process (the caller holds the
 * container's lock, so no repair touches it meanwhile). The caller awaits the result before the init may go.
 */
export async function connectEarly(deps: EngineDeps, record: ContainerRecord): Promise<void> {
  await releasePrevious(deps, record); // before the pin: the previous run's teardown unpins the same path
  const netns = netnsPinPath(deps.layout, record.id);
  newPinnedNetns(netns);
  deps.log.step('network', 'netns-new', { path: netns });
  await connectContainer(deps, record, { pid: process.pid, pidStartTime: pidStartTime(process.pid) ?? '' }, { netnsPinned: true });
}

/** After connectEarly: the attachment now lives as long as the container's init. */
export function adoptAttachment(deps: EngineDeps, record: ContainerRecord, state: Owner): void {
  const att = loadAttachment(deps.layout, record.id);
  if (!att) return;
  saveAttachment(deps.layout, { ...att, pid: state.pid, pidStartTime: state.pidStartTime });
}

/**
 * While the init waits in its new namespaces: interfaces, addresses, routes, ports, /etc/hosts.
 * `netnsPinned`: connectEarly made and pinned the namespace, after releasing the previous run's networking.
 */
export async function connectContainer(deps: EngineDeps, record: ContainerRecord, state: Owner, opts: { netnsPinned?: boolean } = {}): Promise<void> {
  const cfg = networkConfigOf(record);
  const { layout } = deps;
  if (!opts.netnsPinned) await releasePrevious(deps, record);
  if (cfg.mode === 'pasta' || cfg.mode === 'slirp4netns') return connectUserMode(deps, record, state, cfg);
  if (cfg.mode !== 'bridge' || cfg.networks.length === 0) {
    writeFilesWithoutNetworks(deps, record, cfg);
    saveSettings(deps, record, buildSettings(cfg, undefined, [], record.id));
    return;
  }
  const files = etcFilePaths(layout.containerDir(record.id));
  const att: Attachment = {
    schemaVersion: 1, containerId: record.id, containerName: record.name, hostname: record.config.Hostname, pid: state.pid,
    pidStartTime: state.pidStartTime, netns: netnsPinPath(layout, record.id), hostsFile: files.hosts, extraHosts: [], networks: [],
  };
  const store = new NetworkStore(layout);
  // Under the store lock: every network ready on the host, and the entries recorded before any plugin runs.
  const entries = await withLock(layout, 'networks', async () => {
    const out = [];
    for (const req of cfg.networks) {
      const net = await readyNetworkLocked(deps, store, req.name);
      out.push(prepareEndpoint(layout, att, net, {
        aliases: req.aliases, ...(req.ipv4Address ? { ipv4Address: req.ipv4Address } : {}), ...(req.macAddress ? { macAddress: req.macAddress } : {}),
        ...(req.ipv6Address ? { ipv6Address: req.ipv6Address } : {}),
      }));
    }
    return out;
  });
  if (!opts.netnsPinned) {
    pinNetns(state.pid, att.netns);
    deps.log.step('network', 'netns-pin', { pid: state.pid, path: att.netns });
  }
  const { ports, exposed } = await portsToPublish(deps, record, cfg);
  for (const [i, entry] of entries.entries()) await addEndpoint(deps, att, entry, i === 0 ? ports : undefined);
  const gateway = entries.map(addressOf).find((a) => a?.gateway)?.gateway;
  att.extraHosts = resolveExtraHosts(record.hostConfig.ExtraHosts ?? [], gateway);
  if (cfg.links?.length) att.extraHosts.push(...linkHosts(cfg.links, record.name, entries[0].name, (id) => linkedContainer(deps, id, entries[0].name)));
  saveAttachment(layout, att);
  if (entries.some((e) => e.resolvesNames)) await syncHosts(layout, { networks: entries.map((e) => e.name), containers: [record.id] });
  // the default bridge resolves no names: the hosts file is the container's own, no peer's changes (and
  // no reading of every attachment under the host-wide lock, which made starts O(containers))
  else rewriteInPlace(files.hosts, hostsFor(att, []));
  rewriteInPlace(files.resolvConf, resolvConfContent(readHostResolvConf(), dnsOf(record)));
  saveSettings(deps, record, buildSettings(cfg, att, exposed));
  deps.log.step('network', 'network-connected', {
    container: record.id.slice(0, 12), networks: entries.map((e) => `${e.name}=${addressOf(e)?.ip ?? '?'}`).join(','),
  });
}

/** Rootless: pasta (or slirp4netns) serves the new network namespace and forwards the published ports. */
async function connectUserMode(deps: EngineDeps, record: ContainerRecord, state: Owner, cfg: ContainerNetworkConfig): Promise<void> {
  const netns = netnsPinPath(deps.layout, record.id);
  pinNetns(state.pid, netns);
  deps.log.step('network', 'netns-pin', { pid: state.pid, path: netns });
  const { ports, exposed } = await portsToPublish(deps, record, cfg);
  const pidFile = deps.layout.userNetPidFile(record.id);
  const bound = cfg.mode === 'pasta'
    ? await startPasta({ netnsPath: netns, pidFile, ports, log: deps.log })
    : await startSlirp({ netnsPath: netns, pidFile, apiSocket: deps.layout.userNetSocket(record.id), ports, log: deps.log });
  writeFilesWithoutNetworks(deps, record, cfg);
  const files = etcFilePaths(deps.layout.containerDir(record.id));
  rewriteInPlace(files.resolvConf, resolvConfContent(readHostResolvConf(), dnsOf(record)));
  const settings = buildSettings(cfg, undefined, [], record.id);
  settings.SandboxKey = netns;
  for (const key of exposed) settings.Ports[key] = null;
  Object.assign(settings.Ports, bound);
  saveSettings(deps, record, settings);
}

/** After the container stopped: release leases, veths, rules, port reservations. Idempotent. */
export async function disconnectContainer(deps: EngineDeps, record: ContainerRecord): Promise<void> {
  const mode = networkConfigOf(record).mode;
  if (mode === 'pasta' || mode === 'slirp4netns') {
    await stopUserNetwork(deps.layout.userNetPidFile(record.id), deps.log);
    fs.rmSync(deps.layout.userNetSocket(record.id), { force: true });
  }
  const att = loadAttachment(deps.layout, record.id);
  if (att) await teardownAttachment(deps, att);
  else unpinNetns(netnsPinPath(deps.layout, record.id));
  const live = record.networkSettings;
  if (att || (live && (live.IPAddress !== '' || Object.keys(live.Ports).length))) {
    saveSettings(deps, record, buildSettings(networkConfigOf(record), undefined, [], record.id));
  }
}
