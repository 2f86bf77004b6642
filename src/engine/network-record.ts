// The network part of a container's record: what it asked for (record.network, with a fallback for records
// written before networking existed) and docker's NetworkSettings built from its live attachment.
import { ContainerStore, type ContainerRecord } from './container-store';
import type { Layout } from '../store/layout';
import { addressOf, addressOf6, type Attachment } from '../network/attachments';
import type { PortMapping } from '../network/host-ports';
import { PSEUDO_IDS } from '../network/networks';
import { DEFAULT_NETWORK } from '../network/store';
import { parseNetworkMode } from '../network/options';
import { portKey, type PortBinding } from '../network/ports';
import { emptyEndpoint, emptySettings, type ContainerNetworkConfig, type NetworkSettings } from '../network/settings';

export function networkConfigOf(record: ContainerRecord): ContainerNetworkConfig {
  if (record.network) return record.network;
  const m = parseNetworkMode(record.hostConfig.NetworkMode);
  return {
    mode: m.mode,
    networks: m.mode === 'bridge' ? [{ name: m.target!, aliases: [] }] : [],
    ports: record.hostConfig.PortBindings ?? {},
    exposed: [],
    publishAll: record.hostConfig.PublishAllPorts,
    ...(m.mode === 'container' ? { container: m.target! } : {}),
  };
}

/** Read-modify-write of container.json (the caller holds the container's lock); undefined if it is gone. */
export function updateRecord(layout: Layout, id: string, fn: (r: ContainerRecord) => void): ContainerRecord | undefined {
  // network settings are rewritten at every start: no fsync on the run path
  return new ContainerStore(layout).update(id, fn, { durable: false });
}

export function portsFromMappings(mappings: readonly PortMapping[]): Record<string, PortBinding[]> {
  const out: Record<string, PortBinding[]> = {};
  for (const m of mappings) (out[portKey(m.containerPort, m.protocol)] ??= []).push({ HostIp: m.hostIP || '0.0.0.0', HostPort: String(m.hostPort) });
  return out;
}

/** The host ports a running container got (from its attachment), in docker's map shape. */
export function boundPorts(att: Attachment | undefined): Record<string, PortBinding[]> {
  const mappings = att?.networks.flatMap((n) => (n.capabilityArgs.portMappings as PortMapping[] | undefined) ?? []) ?? [];
  return portsFromMappings(mappings);
}


/**
 * docker's NetworkSettings: every requested network (also before the first start), with address, gateway
 * and MAC while attached; Ports lists exposed ports (null when not published) and the bound host ports.
 * On user networks the aliases end with the short id, which resolves there too (docker < 25 shows it;
 * docker-compose 1.x looks for it to tell a container already connected).
 */
export function buildSettings(
  cfg: ContainerNetworkConfig, att: Attachment | undefined, exposed: readonly string[] = [], containerId = att?.containerId,
): NetworkSettings {
  const s = emptySettings();
  if (cfg.mode === 'none' || cfg.mode === 'host') {
    s.Networks[cfg.mode] = emptyEndpoint(PSEUDO_IDS[cfg.mode]);
    return s;
  }
  if (cfg.mode === 'container') return s;
  for (const req of cfg.networks) {
    const entry = att?.networks.find((n) => n.name === req.name);
    const shortId = containerId?.slice(0, 12);
    const aliases = req.name !== DEFAULT_NETWORK && shortId && !req.aliases.includes(shortId) ? [...req.aliases, shortId] : req.aliases;
    const ep = emptyEndpoint(entry?.networkId ?? '', { ...req, aliases });
    const addr = entry && addressOf(entry);
    if (entry && addr) {
      ep.EndpointID = `${att!.containerId.slice(0, 32)}${entry.ifname}`;
      ep.IPAddress = addr.ip;
      ep.IPPrefixLen = addr.prefix;
      ep.Gateway = addr.gateway;
      ep.MacAddress = addr.mac;
      if (!s.IPAddress) {
        s.IPAddress = addr.ip;
        s.IPPrefixLen = addr.prefix;
        s.Gateway = addr.gateway;
        s.MacAddress = addr.mac;
        s.EndpointID = ep.EndpointID;
      }
    }
    const addr6 = entry && addressOf6(entry);
    if (addr6) {
      ep.GlobalIPv6Address = addr6.ip;
      ep.GlobalIPv6PrefixLen = addr6.prefix;
      ep.IPv6Gateway = addr6.gateway;
      if (s.EndpointID === ep.EndpointID && !s.GlobalIPv6Address) {
        s.GlobalIPv6Address = addr6.ip;
        s.GlobalIPv6PrefixLen = addr6.prefix;
        s.IPv6Gateway = addr6.gateway;
      }
    }
    s.Networks[req.name] = ep;
  }
  if (att) {
    s.SandboxKey = att.netns;
    s.SandboxID = att.containerId;
    for (const key of exposed) s.Ports[key] = null;
    Object.assign(s.Ports, boundPorts(att));
  }
  return s;
}
