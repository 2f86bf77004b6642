// docker system df: the space images, containers and volumes take. Numbers only; the words and tables are the
// CLI's. Sizes are counted the way docker counts them (apparent file sizes, each inode once):
//   images     unpacked layer content (layer.json size), each layer once however many images share it
//   containers the writable upper dir plus the json logs (both go with `rm`)
//   volumes    the content of <root>/volumes/<name>/_data
// Reclaimable: images — the layers no image a container uses needs; containers — those not running;
// volumes — those no container names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLayerInfo } from '../image/layers';
import { dirSize } from '../volume/size';
import { volumeStore, volumeUsers } from './volumes';
import { ContainerStore } from './container-store';
import { viewContainer, type ContainerView, type EngineDeps } from './lifecycle/context';

export interface ImageUsage {
  id: string;
  repoTags: string[];
  created: string;
  size: number;
  /** Bytes of layers other images use too. */
  sharedSize: number;
  uniqueSize: number;
  containers: number;
}

export interface ContainerUsage {
  view: ContainerView;
  /** Upper dir plus logs. */
  size: number;
  active: boolean;
  localVolumes: number;
}

export interface VolumeUsage {
  name: string;
  /** Containers that name it. */
  links: number;
  size: number;
}

export interface UsageSummary {
  type: 'Images' | 'Containers' | 'Local Volumes' | 'Build Cache';
  total: number;
  active: number;
  size: number;
  reclaimable: number;
}

export interface DiskUsage {
  images: ImageUsage[];
  containers: ContainerUsage[];
  volumes: VolumeUsage[];
  summary: UsageSummary[];
}

function logsSize(dir: string, id: string): number {
  let total = 0;
  try {
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(`${id}-json.log`)) total += fs.lstatSync(path.join(dir, name)).size;
    }
  } catch {
    // removed meanwhile
  }
  return total;
}

export async function diskUsage(deps: EngineDeps): Promise<DiskUsage> {
  const images = await deps.images.list();
  const records = new ContainerStore(deps.layout).list();

  const containers: ContainerUsage[] = records.map((r) => {
    const view = viewContainer(deps, r);
    const s = view.derived.status;
    return {
      view,
      size: dirSize(view.paths.upper) + logsSize(view.paths.dir, r.id),
      active: s === 'running' || s === 'paused' || s === 'restarting',
      localVolumes: (r.mounts ?? []).filter((m) => m.Type === 'volume').length,
    };
  });

  const layerSize = new Map<string, number>();
  const layerImages = new Map<string, number>();
  for (const img of images) {
    for (const d of new Set(img.diffIds)) {
      if (!layerSize.has(d)) layerSize.set(d, readLayerInfo(deps.layout, d)?.size ?? 0);
      layerImages.set(d, (layerImages.get(d) ?? 0) + 1);
    }
  }
  const imageUsage: ImageUsage[] = images.map((img) => {
    const layers = [...new Set(img.diffIds)];
    const sharedSize = layers.filter((d) => (layerImages.get(d) ?? 0) > 1).reduce((n, d) => n + (layerSize.get(d) ?? 0), 0);
    return {
      id: img.id, repoTags: img.repoTags, created: img.created, size: img.size, sharedSize, uniqueSize: img.size - sharedSize,
      containers: records.filter((r) => r.imageId === img.id).length,
    };
  });
  const usedLayers = new Set(images.filter((_, i) => imageUsage[i].containers > 0).flatMap((img) => img.diffIds));
  const layersTotal = [...layerSize.values()].reduce((a, b) => a + b, 0);
  const layersUsed = [...usedLayers].reduce((n, d) => n + (layerSize.get(d) ?? 0), 0);

  const users = volumeUsers(deps);
  const volumes: VolumeUsage[] = volumeStore(deps).list().map((v) => ({ name: v.name, links: users.get(v.name)?.length ?? 0, size: dirSize(v.mountpoint) }));

  const sum = <T>(list: T[], f: (x: T) => number) => list.reduce((n, x) => n + f(x), 0);
  return {
    images: imageUsage,
    containers,
    volumes,
    summary: [
      { type: 'Images', total: images.length, active: imageUsage.filter((i) => i.containers > 0).length, size: layersTotal, reclaimable: layersTotal - layersUsed },
      { type: 'Containers', total: containers.length, active: containers.filter((c) => c.active).length, size: sum(containers, (c) => c.size), reclaimable: sum(containers.filter((c) => !c.active), (c) => c.size) },
      { type: 'Local Volumes', total: volumes.length, active: volumes.filter((v) => v.links > 0).length, size: sum(volumes, (v) => v.size), reclaimable: sum(volumes.filter((v) => v.links === 0), (v) => v.size) },
      { type: 'Build Cache', total: 0, active: 0, size: 0, reclaimable: 0 },
    ],
  };
}
