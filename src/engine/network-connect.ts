// docker network connect / disconnect on an existing container, and the ports it publishes (docker port).
// A running container gets (or loses) the interface at once, in its live network namespace; a stopped one
// only has its record changed, for its next start. Peers' /etc/hosts follow either way.
import { ConflictError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import { ContainerStore, type ContainerRecord } from './container-store';
import type { EngineDeps } from './lifecycle/context';
import { loadState, processAlive, type RuntimeState } from '../runtime/state';
import { withLock } from '../store/lock';
import { etcFilePaths } from '../network/etc-files';
import { isPinned, loadAttachment, netnsPinPath, pinNetns, saveAttachment, type Attachment } from '../network/attachments';
import { addEndpoint, delEndpoint, prepareEndpoint } from '../network/endpoint';
import { readyNetworkLocked } from '../network/networks';
import { validateRequestedIp, validateRequestedIp6 } from '../network/options';
import type { PortBinding } from '../network/ports';
import { boundPorts, buildSettings, networkConfigOf, updateRecord } from './network-record';
import { syncHosts } from '../network/name-resolution';
import type { ContainerNetworkConfig, EndpointRequest } from '../network/settings';
import { DEFAULT_NETWORK, NetworkStore, PSEUDO_NETWORKS } from '../network/store';

function runningState(deps: EngineDeps, id: string): RuntimeState | undefined {
  const state = loadState(deps.layout.runtimeStateDir(id));
  return state && processAlive(state.pid, state.pidStartTime) ? state : undefined;
}

function newAttachment(deps: EngineDeps, record: ContainerRecord, state: RuntimeState): Attachment {
  return {
    schemaVersion: 1, containerId: record.id, containerName: record.name, hostname: record.config.Hostname, pid: state.pid,
    pidStartTime: state.pidStartTime, netns: netnsPinPath(deps.layout, record.id), hostsFile: etcFilePaths(deps.layout.containerDir(record.id)).hosts,
    extraHosts: [], networks: [],
  };
}

function refuseMode(record: ContainerRecord, cfg: ContainerNetworkConfig): void {
  if (cfg.mode === 'bridge') return;
  const why = cfg.mode === 'none' ? 'is on the none network' : cfg.mode === 'host' ? 'uses the host network' : "shares another container's network namespace";
  throw new FailedPreconditionError(`container ${record.name} ${why}: it cannot be connected to or disconnected from networks`);
}

function saveConfig(deps: EngineDeps, record: ContainerRecord, cfg: ContainerNetworkConfig, att: Attachment | undefined): void {
  const exposed = Object.keys(record.networkSettings?.Ports ?? {});
  const settings = buildSettings(cfg, att, exposed, record.id);
  updateRecord(deps.layout, record.id, (r) => {
    r.network = cfg;
    r.networkSettings = settings;
  });
}

export interface ConnectOptions {
  ip?: string;
  /** --ip6: a fixed IPv6 address (dual-stack networks). */
  ip6?: string;
  aliases: string[];
}

export async function connectNetwork(deps: EngineDeps, netRef: string, containerRef: string, opts: ConnectOptions): Promise<void> {
  const { layout } = deps;
  const containers = new ContainerStore(layout);
  const { id } = containers.resolve(containerRef);
  const store = new NetworkStore(layout);
  if ((PSEUDO_NETWORKS as readonly string[]).includes(netRef)) {
    throw new FailedPreconditionError(`container cannot be connected to the ${netRef} network while it runs on others: choose it with --network at create`);
  }
  await withLock(layout, `container-${id}`, async () => {
    const record = containers.load(id);
    if (!record) throw new NotFoundError(`no such container: ${containerRef}`);
    const cfg = networkConfigOf(record);
    refuseMode(record, cfg);
    const name = netRef === DEFAULT_NETWORK || netRef === 'default' ? DEFAULT_NETWORK : store.resolve(netRef).name;
    if (cfg.networks.some((n) => n.name === name)) throw new ConflictError(`endpoint with name ${record.name} already exists in network ${name}`);
    const fixed = opts.ip !== undefined || opts.ip6 !== undefined;
    if (name === DEFAULT_NETWORK && (fixed || opts.aliases.length)) {
      throw new InvalidArgumentError(`${fixed ? 'user specified IP address' : 'network-scoped alias'} is supported only for containers in user defined networks`);
    }
    if (opts.ip !== undefined) validateRequestedIp(opts.ip, store.resolve(name));
    const ip6 = opts.ip6 !== undefined ? validateRequestedIp6(opts.ip6, store.resolve(name)) : undefined;
    const req: EndpointRequest = {
      name, aliases: [...new Set(opts.aliases)], ...(opts.ip !== undefined ? { ipv4Address: opts.ip } : {}), ...(ip6 !== undefined ? { ipv6Address: ip6 } : {}),
    };
    const state = runningState(deps, id);
    let att: Attachment | undefined;
    if (state) {
      att = loadAttachment(layout, id) ?? newAttachment(deps, record, state);
      const a = att;
      const entry = await withLock(layout, 'networks', async () => prepareEndpoint(layout, a, await readyNetworkLocked(deps, store, name), req));
      if (!isPinned(a.netns)) pinNetns(state.pid, a.netns);
      try {
        await addEndpoint(deps, a, entry);
      } catch (err) {
        await delEndpoint(deps, a, entry);
        throw err;
      }
      saveAttachment(layout, a);
      await syncHosts(layout, { networks: [name], containers: [id] });
    }
    cfg.networks.push(req);
    saveConfig(deps, record, cfg, att);
  });
}

export async function disconnectNetwork(deps: EngineDeps, netRef: string, containerRef: string): Promise<void> {
  const { layout } = deps;
  const containers = new ContainerStore(layout);
  const { id } = containers.resolve(containerRef);
  await withLock(layout, `container-${id}`, async () => {
    const record = containers.load(id);
    if (!record) throw new NotFoundError(`no such container: ${containerRef}`);
    const cfg = networkConfigOf(record);
    refuseMode(record, cfg);
    let name = netRef === 'default' ? DEFAULT_NETWORK : netRef;
    if (!cfg.networks.some((n) => n.name === name)) {
      const net = new NetworkStore(layout).load(name) ?? (() => {
        try {
          return new NetworkStore(layout).resolve(netRef);
        } catch {
          return undefined;
        }
      })();
      if (net) name = net.name;
    }
    const idx = cfg.networks.findIndex((n) => n.name === name);
    if (idx < 0) throw new FailedPreconditionError(`container ${record.name} is not connected to network ${netRef}`);
    const att = runningState(deps, id) ? loadAttachment(layout, id) : undefined;
    const entry = att?.networks.find((n) => n.name === name);
    if (att && entry) {
      await delEndpoint(deps, att, entry);
      await syncHosts(layout, { networks: [name], containers: [id] });
    }
    cfg.networks.splice(idx, 1);
    saveConfig(deps, record, cfg, att);
  });
}

/** docker port: the host ports a running container's ports are published on. */
export function containerPorts(deps: EngineDeps, containerRef: string): { name: string; ports: Record<string, PortBinding[]> } {
  const record = new ContainerStore(deps.layout).resolve(containerRef);
  const running = runningState(deps, record.id);
  const mode = networkConfigOf(record).mode;
  if (running && (mode === 'pasta' || mode === 'slirp4netns')) {
    // user-mode networks' ports are in the record only: no CNI attachment holds them
    const bound = Object.entries(record.networkSettings?.Ports ?? {}).filter((e): e is [string, PortBinding[]] => e[1] !== null);
    return { name: record.name, ports: Object.fromEntries(bound) };
  }
  const att = running ? loadAttachment(deps.layout, record.id) : undefined;
  return { name: record.name, ports: boundPorts(att) };
}
