// The volume verbs (docker volume create|ls|inspect|rm|prune). Which containers use a volume is read from the
// container records (their "mounts"), not kept in a counter that could go stale: a volume is in use while any
// container — running or not — names it. Every check-then-remove runs under the volume's lock, and a container
// start takes the same lock to create and seed its volumes, so a volume cannot vanish between those steps.
import { ConflictError, InvalidArgumentError } from '../errors/errors';
import { ContainerStore, type ContainerRecord } from './container-store';
import { viewContainer, type EngineDeps } from './lifecycle/context';
import { parseLabels } from './container-config';
import { matchesLabel } from './filters';
import { dirSize } from '../volume/size';
import { newAnonymousName, VolumeStore, type Volume } from '../volume/volume-store';

export function volumeStore(deps: EngineDeps): VolumeStore {
  return new VolumeStore(deps.layout, deps.log);
}

/** Containers whose record mounts the volume, by volume name. */
export function volumeUsers(deps: EngineDeps): Map<string, ContainerRecord[]> {
  const users = new Map<string, ContainerRecord[]>();
  for (const r of new ContainerStore(deps.layout).list()) {
    for (const m of r.mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const list = users.get(m.Name) ?? [];
      if (!list.includes(r)) list.push(r);
      users.set(m.Name, list);
    }
  }
  return users;
}

export function usersOf(deps: EngineDeps, name: string): ContainerRecord[] {
  return volumeUsers(deps).get(name) ?? [];
}

function isActive(deps: EngineDeps, r: ContainerRecord): boolean {
  const s = viewContainer(deps, r).derived.status;
  return s === 'running' || s === 'paused' || s === 'restarting';
}

function describeUsers(records: ContainerRecord[]): string {
  return records.map((r) => `${r.name} (${r.id.slice(0, 12)})`).join(', ');
}

export async function createVolume(deps: EngineDeps, name: string | undefined, labels: string[] = []): Promise<Volume> {
  const parsed = parseLabels(labels);
  const { volume } = await volumeStore(deps).create(name ?? newAnonymousName(), { labels: parsed });
  return volume;
}

export interface VolumeFilters {
  dangling?: boolean;
  names: string[];
  labels: string[];
  drivers: string[];
}

/** docker's --filter key=value list: dangling, name (substring), label (key or key=value), driver. */
export function parseVolumeFilters(filters: string[]): VolumeFilters {
  const out: VolumeFilters = { names: [], labels: [], drivers: [] };
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? '' : f.slice(eq + 1);
    if (eq < 0) throw new InvalidArgumentError(`bad format of filter (expected name=value): ${f}`);
    switch (key) {
      case 'dangling':
        if (!/^(true|false|1|0)$/i.test(value)) throw new InvalidArgumentError(`invalid filter 'dangling=${value}': use true or false`);
        out.dangling = /^(true|1)$/i.test(value);
        break;
      case 'name': out.names.push(value); break;
      case 'label': out.labels.push(value); break;
      case 'driver': out.drivers.push(value); break;
      default: throw new InvalidArgumentError(`invalid filter '${key}'`, { hint: 'use dangling, name, label or driver' });
    }
  }
  return out;
}

export function listVolumes(deps: EngineDeps, filters: VolumeFilters = { names: [], labels: [], drivers: [] }): Volume[] {
  const users = filters.dangling === undefined ? undefined : volumeUsers(deps);
  return volumeStore(deps).list().filter((v) => {
    if (users && filters.dangling !== !users.has(v.name)) return false;
    if (filters.names.length && !filters.names.some((n) => v.name.includes(n))) return false;
    if (filters.drivers.length && !filters.drivers.includes('local')) return false;
    for (const l of filters.labels) if (!matchesLabel(v.labels, l)) return false;
    return true;
  });
}

/** docker volume inspect's shape. */
export interface VolumeInspect {
  CreatedAt: string;
  Driver: 'local';
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
}

export function inspectVolume(v: Volume): VolumeInspect {
  return {
    CreatedAt: v.createdAt,
    Driver: 'local',
    Labels: Object.keys(v.labels).length ? v.labels : null,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: Object.keys(v.options).length ? v.options : null,
    Scope: 'local',
  };
}

/**
 * Removes a volume no container uses. With force, a volume only stopped containers name goes too (they get a
 * new empty volume of that name at their next start); one a running container has mounted never does.
 */
export async function removeVolume(deps: EngineDeps, name: string, opts: { force: boolean }): Promise<void> {
  const store = volumeStore(deps);
  await store.withVolumeLock(name, () => {
    store.load(name);
    const users = usersOf(deps, name);
    const active = users.filter((r) => isActive(deps, r));
    if (active.length || (users.length && !opts.force)) {
      const blocking = active.length ? active : users;
      throw new ConflictError(`remove ${name}: volume is in use by container ${describeUsers(blocking)}`, {
        hint: active.length ? 'stop and remove the container first' : 'remove the container first (or use -f to remove the volume anyway)',
      });
    }
    store.removeLocked(name);
  });
}

export interface PruneResult {
  deleted: string[];
  reclaimed: number;
}

/** docker volume prune: unused anonymous volumes; with all, every unused volume. */
export async function pruneVolumes(deps: EngineDeps, opts: { all: boolean }): Promise<PruneResult> {
  const store = volumeStore(deps);
  const result: PruneResult = { deleted: [], reclaimed: 0 };
  for (const v of store.list()) {
    if (!opts.all && !v.anonymous) continue;
    await store.withVolumeLock(v.name, () => {
      if (!store.get(v.name) || usersOf(deps, v.name).length) return;
      const size = dirSize(v.mountpoint);
      store.removeLocked(v.name);
      result.deleted.push(v.name);
      result.reclaimed += size;
    });
  }
  return result;
}
