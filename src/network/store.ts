// Networks on disk: one CNI network configuration list per network, <root>/networks/<name>.conflist, with
// mydocker's own facts (id, labels, subnet, bridge) under the list's "mydocker" key, which plugins never see.
// A .conflist dropped there by hand (any plugins) is a network too: mydocker just runs its plugins.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { Layout } from '../store/layout';
import type { NetworkConfigList } from './cni/types';
import { parseCidr, type Cidr } from './ipv4';

export const DEFAULT_NETWORK = 'bridge';
/** Networks that are not CNI lists: modes of the container's network namespace. */
export const PSEUDO_NETWORKS = ['host', 'none'] as const;
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** mydocker's facts about a network it created. */
export interface NetworkMeta {
  id: string;
  created: string;
  driver: 'bridge';
  bridge: string;
  subnet: string;
  gateway: string;
  ipRange?: string;
  /** Present on a dual-stack network (`network create --ipv6`): its IPv6 subnet, on the same bridge. */
  ipv6?: NetworkMeta6;
  internal: boolean;
  labels: Record<string, string>;
}

export interface NetworkMeta6 {
  subnet: string;
  gateway: string;
  ipRange?: string;
}

export interface Network {
  name: string;
  id: string;
  file: string;
  list: NetworkConfigList;
  /** Absent for a configuration list mydocker did not create. */
  meta?: NetworkMeta;
}

export interface NetworkPaths {
  /** Persistent: the configuration lists. */
  configDir: string;
  /** Runtime: host-local's dataDir (leases die with a reboot, as the containers do). */
  ipamDir: string;
  /** Runtime: one attachment file per container with network interfaces. */
  attachDir: string;
  /** Runtime: bind mounts that keep each container's network namespace until its DEL ran. */
  netnsDir: string;
}

export function networkPaths(layout: Layout): NetworkPaths {
  return {
    configDir: path.join(layout.root, 'networks'),
    ipamDir: path.join(layout.runroot, 'networks', 'ipam'),
    attachDir: path.join(layout.runroot, 'networks', 'containers'),
    netnsDir: path.join(layout.runroot, 'netns'),
  };
}

export function validateNetworkName(name: string): void {
  if (!NETWORK_NAME.test(name) || name.length > 128) {
    throw new InvalidArgumentError(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
}

function idFor(name: string, list: NetworkConfigList): string {
  const meta = list.mydocker as Partial<NetworkMeta> | undefined;
  if (meta && typeof meta.id === 'string') return meta.id;
  return createHash('sha256').update(`cni:${name}`).digest('hex');
}

export function subnetOf(net: Network): Cidr | undefined {
  if (net.meta) return parseCidr(net.meta.subnet);
  // a foreign list: host-local's first range, if that is its IPAM
  for (const p of net.list.plugins) {
    const ipam = p.ipam as { ranges?: { subnet?: string }[][]; subnet?: string } | undefined;
    const text = ipam?.ranges?.[0]?.[0]?.subnet ?? ipam?.subnet;
    if (typeof text === 'string') return parseCidr(text);
  }
  return undefined;
}

export class NetworkStore {
  readonly paths: NetworkPaths;

  constructor(readonly layout: Layout) {
    this.paths = networkPaths(layout);
  }

  file(name: string): string {
    return path.join(this.paths.configDir, `${name}.conflist`);
  }

  load(name: string): Network | undefined {
    if (!NETWORK_NAME.test(name)) return undefined;
    const file = this.file(name);
    const list = readJsonIfExists<NetworkConfigList>(file);
    if (!list) return undefined;
    const meta = list.mydocker as NetworkMeta | undefined;
    return { name, id: idFor(name, list), file, list, ...(meta ? { meta } : {}) };
  }

  list(): Network[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.paths.configDir);
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith('.conflist')).map((n) => this.load(n.slice(0, -'.conflist'.length))).filter((n): n is Network => !!n)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A name, a full id or a unique id prefix (docker accepts all three). */
  resolve(ref: string): Network {
    const byName = this.load(ref);
    if (byName) return byName;
    if (/^[a-f0-9]+$/.test(ref)) {
      const matches = this.list().filter((n) => n.id.startsWith(ref));
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) throw new InvalidArgumentError(`network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`);
    }
    throw new NotFoundError(`network ${ref} not found`);
  }

  /** Writes a new network's list; the caller holds the store lock, so the existence check is exact. */
  create(list: NetworkConfigList): void {
    fs.mkdirSync(this.paths.configDir, { recursive: true, mode: 0o700 });
    if (fs.existsSync(this.file(list.name))) throw new ConflictError(`network with name ${list.name} already exists`);
    writeJsonAtomic(this.file(list.name), list);
  }

  update(list: NetworkConfigList): void {
    writeJsonAtomic(this.file(list.name), list);
  }

  remove(name: string): void {
    fs.rmSync(this.file(name), { force: true });
    fs.rmSync(path.join(this.paths.ipamDir, name), { recursive: true, force: true });
  }
}
