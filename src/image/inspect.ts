// `image inspect` (docker's JSON shape) and `history` rows, built from an image's stored config.
import type { Layout } from '../store/layout';
import { readJsonBlob } from './blobs';
import { ago, goTime, humanSize } from './display';
import { readLayerInfo } from './layers';
import type { HealthConfig, OciImageConfig } from './oci';
import type { ImageRecord } from './store';

/** The config member of docker's image inspect, with docker's defaults for what images leave unset. */
export interface DockerContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Shell?: string[];
  Labels: Record<string, string> | null;
  StopSignal?: string;
}

export interface DockerImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: DockerContainerConfig;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  GraphDriver: { Data: { LowerDir: string }; Name: string };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

type StoredConfig = OciImageConfig & { variant?: string; comment?: string; docker_version?: string };

export function inspectImage(layout: Layout, img: ImageRecord): DockerImageInspect {
  const doc = readJsonBlob<StoredConfig>(layout, img.id);
  const c = doc.config ?? {};
  return {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: '',
    Comment: doc.comment ?? '',
    Created: img.created,
    DockerVersion: doc.docker_version ?? '',
    Author: doc.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: c.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.Env ?? null,
      Cmd: c.Cmd ?? null,
      ...(c.Healthcheck ? { Healthcheck: c.Healthcheck } : {}),
      Image: '',
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir ?? '',
      Entrypoint: c.Entrypoint ?? null,
      OnBuild: c.OnBuild ?? null,
      Labels: c.Labels ?? null,
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
      ...(c.Shell ? { Shell: c.Shell } : {}),
    },
    Architecture: img.architecture,
    ...(doc.variant ? { Variant: doc.variant } : {}),
    Os: img.os,
    Size: img.size,
    GraphDriver: { Data: { LowerDir: [...img.layerDirs].reverse().join(':') }, Name: 'overlay' },
    RootFS: { Type: 'layers', Layers: img.diffIds },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
}

export interface HistoryRow {
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  CreatedBy: string;
  Size: string;
  Comment: string;
}

/** docker history: newest first; the top row carries the image id, the others "<missing>" (no parent images here). */
export function historyRows(layout: Layout, img: ImageRecord, opts: { noTrunc?: boolean; human?: boolean; now?: number } = {}): HistoryRow[] {
  const doc = readJsonBlob<StoredConfig>(layout, img.id);
  const sizes = img.diffIds.map((d) => readLayerInfo(layout, d)?.size ?? 0);
  let entries = doc.history ?? [];
  if (entries.filter((h) => !h.empty_layer).length !== sizes.length) entries = sizes.map(() => ({ created: img.created }));
  let layer = 0;
  const rows = entries.map((h) => {
    const size = h.empty_layer ? 0 : sizes[layer++] ?? 0;
    const createdBy = (h.created_by ?? '').replace(/\s+/g, ' ');
    return {
      ID: '<missing>',
      CreatedSince: h.created ? ago(h.created, opts.now) : 'N/A',
      CreatedAt: h.created ? goTime(h.created) : '',
      CreatedBy: opts.noTrunc || createdBy.length <= 45 ? createdBy : `${createdBy.slice(0, 44)}…`,
      Size: opts.human === false ? String(size) : humanSize(size),
      Comment: h.comment ?? '',
    };
  });
  rows.reverse();
  if (rows[0]) rows[0].ID = opts.noTrunc ? img.id : img.id.slice(7, 19);
  return rows;
}
