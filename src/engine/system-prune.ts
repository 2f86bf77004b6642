// docker system prune: stopped containers, then unused networks, then (with volumes) unused anonymous
// volumes, then dangling images (every unused one with all): docker's order, so what a removed
// container held is free by the time its network, volume and image are looked at.
import type { RemoveResult } from '../image/remove';
import { dirSize } from '../volume/size';
import { containerPaths, store, type EngineDeps } from './lifecycle/context';

export interface Pruners {
  containers(): Promise<string[]>;
  networks(): Promise<string[]>;
  volumes(): Promise<{ deleted: string[]; reclaimed: number }>;
  images(all: boolean): Promise<RemoveResult>;
}

export interface SystemPruneResult {
  containers: string[];
  networks: string[];
  volumes: string[];
  images: RemoveResult['events'];
  /** Bytes: the removed containers' writable layers, the volumes' and the images' content. */
  reclaimed: number;
}

export async function pruneSystem(deps: EngineDeps, prune: Pruners, opts: { all: boolean; volumes: boolean }): Promise<SystemPruneResult> {
  // sizes first: a removed container's upper dir is gone afterwards
  const sizes = new Map(store(deps).list().map((r) => [r.id, dirSize(containerPaths(deps.layout, r.id).upper)]));
  const containers = await prune.containers();
  const networks = await prune.networks();
  const volumes = opts.volumes ? await prune.volumes() : { deleted: [], reclaimed: 0 };
  const images = await prune.images(opts.all);
  const containerBytes = containers.reduce((n, id) => n + (sizes.get(id) ?? 0), 0);
  return {
    containers, networks, volumes: volumes.deleted, images: images.events,
    reclaimed: containerBytes + volumes.reclaimed + images.reclaimed,
  };
}
