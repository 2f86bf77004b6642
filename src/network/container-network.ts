// A container's networking: which network namespace it gets (new, the host's, another
// container's), and, for bridge networks, its interface, address, routes, port mappings and
// name resolution, set up while the init waits and torn down when it stops.
// STUB: the networking work replaces this module (see docs/architecture-notes.md, "hooks").
import { InvalidArgumentError } from '../errors/errors';
import type { RunOptions } from '../engine/container-config';
import type { ContainerRecord } from '../engine/container-store';
import type { EngineDeps } from '../engine/lifecycle/context';
import type { RuntimeState } from '../runtime/state';

/** docker's NetworkSettings, as `inspect` shows it. */
export interface NetworkSettings {
  Networks: Record<string, { IPAddress: string; Gateway: string; MacAddress: string; IPPrefixLen: number; Aliases: string[] | null }>;
  Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
}

/** At create: check the network flags (mode exists, addresses and ports parse). */
export async function validateNetworkOptions(opts: RunOptions, _deps: EngineDeps): Promise<void> {
  if (opts.network !== 'none' && opts.network !== 'host') {
    throw new InvalidArgumentError(`network ${opts.network} not found`, { hint: 'only "none" and "host" exist until networking lands' });
  }
  if (opts.publish.length || opts.publishAll) throw new InvalidArgumentError('port publishing (-p, -P) is not supported yet');
}

/** The network namespace to join instead of creating one (--network host, container:NAME), if any. */
export function networkNamespacePath(_deps: EngineDeps, record: ContainerRecord): 'host' | string | undefined {
  return record.hostConfig.NetworkMode === 'host' ? 'host' : undefined;
}

/** While the init waits in its new namespaces: interfaces, addresses, routes, ports, /etc/hosts. */
export async function connectContainer(_deps: EngineDeps, _record: ContainerRecord, _state: RuntimeState): Promise<void> {
  return;
}

/** After the container stopped: release leases, veths, rules, port reservations. Idempotent. */
export async function disconnectContainer(_deps: EngineDeps, _record: ContainerRecord): Promise<void> {
  return;
}
