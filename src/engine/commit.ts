// docker commit: the container's overlay upper dir becomes one new layer on top of its image's layers.
//   upper dir ──walk──▶ OCI layer tar (char 0:0 → .wh.NAME, opaque dir → .wh..wh..opq) ──▶ ImageStore.addLayer
//   image config = parent's, with the container's Cmd/Entrypoint/Env/WorkingDir/User/Labels/StopSignal (as docker
//   does), then the --change instructions; history = parent's + one entry; layers = parent's diffIDs + the new one.
// The parent layers are referenced, never copied: the new image lists the same diffIDs, so it runs on the same
// unpacked layer dirs. The files the engine bind-mounts into every container (/etc/hosts, /etc/hostname,
// /etc/resolv.conf) exist in the upper dir only as mountpoints and are left out, as docker's init layer does.
// A running container is frozen (cgroup freezer) while its upper dir is read, so the layer is one consistent
// moment; with --pause=false it is read live. Everything from the first layer write to the image reference runs
// under the content lease, so a concurrent rmi/prune cannot collect the new layer before it is referenced.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tarStream, type TarInput } from '../archive/tar-writer';
import { InternalError, InvalidArgumentError } from '../errors/errors';
import { readJsonBlob } from '../image/blobs';
import { applyChange } from '../image/changes';
import { readLayerInfo } from '../image/layers';
import type { OciImageConfig } from '../image/oci';
import { parseReference } from '../image/reference';
import type { HistoryEntry, ImageConfig, ImageRecord } from '../image/store';
import type { ContainerRecord } from './container-store';
import { containerIds, treeEntries } from './export';
import { event, lockContainer, runtimeContainer, store, viewContainer, type EngineDeps } from './lifecycle/context';
import { pauseContainer, resumeContainer } from '../runtime/ops/pause';
import { detectHostCgroups } from '../cgroups/hierarchy';

export interface CommitOptions {
  /** REPOSITORY[:TAG]; undefined: an untagged image. */
  ref?: string;
  message?: string;
  author?: string;
  /** Dockerfile instructions (CMD, ENV, …) applied to the new image's config. */
  changes: string[];
  /** Freeze a running container while its changes are read (docker's default). */
  pause: boolean;
}

/** Mountpoints the engine creates in every container; their content lives outside the rootfs. */
export const ENGINE_MOUNTPOINTS: ReadonlySet<string> = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']);

/** docker merges the container's config into the image's: what the container ran with becomes the default. */
export function commitConfig(record: ContainerRecord, parent: ImageConfig, changes: readonly string[]): ImageConfig {
  const c = record.config;
  const parentHasTerm = (parent.Env ?? []).some((e) => e.startsWith('TERM='));
  // HOSTNAME (and TERM for -t) are added by the engine at create, not chosen by the user
  const env = c.Env.filter((e) => e !== `HOSTNAME=${c.Hostname}` && !(c.Tty && e === 'TERM=xterm' && !parentHasTerm));
  const config: ImageConfig = {
    ...parent,
    Env: env,
    ...(c.Cmd ? { Cmd: c.Cmd } : { Cmd: undefined }),
    ...(c.Entrypoint ? { Entrypoint: c.Entrypoint } : { Entrypoint: undefined }),
    WorkingDir: c.WorkingDir || undefined,
    User: c.User || undefined,
    Labels: Object.keys(c.Labels ?? {}).length ? { ...c.Labels } : undefined,
    StopSignal: c.StopSignal ?? parent.StopSignal,
    ...(c.Healthcheck ?? parent.Healthcheck ? { Healthcheck: c.Healthcheck ?? parent.Healthcheck } : {}),
  };
  // docker keeps `-v /path` (anonymous volumes given on the command line) in the container's config.Volumes
  const anonymous = (record.hostConfig?.Binds ?? []).filter((b) => !b.includes(':'));
  if (anonymous.length) config.Volumes = { ...(config.Volumes ?? {}), ...Object.fromEntries(anonymous.map((v) => [v, {}])) };
  for (const change of changes) applyChange(config, change);
  return config;
}

/** The diffIDs under the container's overlay, bottom first, from the layer dirs it mounts (they outlive rmi -f). */
function parentDiffIds(deps: EngineDeps, record: ContainerRecord): string[] {
  return record.lowerDirs.map((dir) => {
    const diffId = `sha256:${path.basename(path.dirname(dir))}`;
    if (!readLayerInfo(deps.layout, diffId)) throw new InternalError(`layer ${diffId} of container ${record.name} is missing from the store`);
    return diffId;
  });
}

function upperEntries(upper: string, record: ContainerRecord, deps: EngineDeps): AsyncIterable<TarInput> | TarInput[] {
  if (!fs.existsSync(upper)) return []; // never started: no changes, an empty layer (docker makes one too)
  return treeEntries(upper, { overlayUpper: true, exclude: ENGINE_MOUNTPOINTS, log: deps.log, ids: containerIds(record) });
}

export async function commitContainer(deps: EngineDeps, containerRef: string, opts: CommitOptions): Promise<ImageRecord> {
  const record = store(deps).resolve(containerRef);
  if (opts.ref !== undefined && parseReference(opts.ref).digest) {
    throw new InvalidArgumentError(`refusing to create a tag with a digest reference: ${opts.ref}`);
  }
  const parent = await deps.images.find(record.imageId);
  const parentDoc = parent ? readJsonBlob<OciImageConfig>(deps.layout, parent.id) : undefined;
  const config = commitConfig(record, parent?.config ?? {}, opts.changes); // bad --change fails before any work
  return deps.images.withContentLease(async () => {
    const diffIds = parentDiffIds(deps, record);
    const layer = await lockContainer(deps, record.id, async () => {
      const view = viewContainer(deps, record);
      // rootless without cgroups has no freezer: read live, as --pause=false does, rather than refuse every commit
      const frozenOk = !detectHostCgroups().unusable;
      if (opts.pause && !frozenOk && view.derived.status === 'running') deps.log.debug('engine', 'commit without pausing: no cgroup freezer here');
      const freeze = opts.pause && frozenOk && view.derived.status === 'running' ? runtimeContainer(deps, record.id) : undefined;
      if (freeze) pauseContainer(freeze, deps.log);
      try {
        return await deps.images.addLayer(tarStream(upperEntries(view.paths.upper, record, deps)));
      } finally {
        if (freeze) resumeContainer(freeze, deps.log);
      }
    });
    deps.log.debug('engine', 'committed the container changes as a layer', { container: record.id, diffId: layer.diffId, size: layer.size });
    let history: HistoryEntry[] = parentDoc?.history ?? [];
    if (history.filter((h) => !h.empty_layer).length !== diffIds.length) history = diffIds.map(() => ({}));
    const created = new Date().toISOString();
    const entry: HistoryEntry = {
      created, created_by: [record.path, ...record.args].join(' '),
      ...(opts.author ? { author: opts.author } : {}), ...(opts.message ? { comment: opts.message } : {}),
    };
    const image = await deps.images.createImage([...diffIds, layer.diffId], config, opts.ref, [...history, entry], {
      created, ...(opts.author ? { author: opts.author } : {}),
    });
    event(deps, record, 'commit', { imageId: image.id });
    return image;
  });
}
