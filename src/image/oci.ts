// OCI image-spec documents as stored in the blob store: the image config (its digest is the image ID, docker's
// convention) and the image manifest. Serialized once, compactly, in a fixed key order: the exact bytes are what
// the digests cover, and what a registry receives on push.

export const MEDIA_TYPE = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** docker's HEALTHCHECK (HealthConfig): not in the OCI spec, docker images carry it. Durations in nanoseconds, 0 the default. */
export interface HealthConfig {
  /** [] inherit; ["NONE"] disabled; ["CMD", arg…] exec'd; ["CMD-SHELL", command] through /bin/sh -c. */
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The runtime defaults an image carries (the "config" member of the OCI image config). */
export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  Volumes?: Record<string, object>;
  /** SHELL and ONBUILD of a built image (docker keeps both in the image config). */
  Shell?: string[];
  OnBuild?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface OciImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  config?: ImageConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** GOARCH names, as image configs use them. */
export function ociArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

const CONFIG_KEYS: (keyof ImageConfig)[] = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'Healthcheck', 'Shell', 'OnBuild'];

/** A copy holding only the known keys that are set, in a fixed order (so equal configs serialize equally). */
export function normalizeImageConfig(c: ImageConfig): ImageConfig {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (c[k] !== undefined) out[k] = c[k];
  return out as ImageConfig;
}

export function buildImageConfig(args: {
  created: string;
  author?: string;
  config: ImageConfig;
  diffIds: string[];
  history: HistoryEntry[];
}): OciImageConfig {
  return {
    created: args.created,
    ...(args.author ? { author: args.author } : {}),
    architecture: ociArchitecture(),
    os: 'linux',
    config: normalizeImageConfig(args.config),
    rootfs: { type: 'layers', diff_ids: [...args.diffIds] },
    history: args.history.map(normalizeHistory),
  };
}

function normalizeHistory(h: HistoryEntry): HistoryEntry {
  const out: HistoryEntry = {};
  if (h.created !== undefined) out.created = h.created;
  if (h.created_by !== undefined) out.created_by = h.created_by;
  if (h.author !== undefined) out.author = h.author;
  if (h.comment !== undefined) out.comment = h.comment;
  if (h.empty_layer) out.empty_layer = true;
  return out;
}

export function buildManifest(config: Descriptor, layers: Descriptor[]): OciManifest {
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.manifest,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
}

export function serialize(doc: OciImageConfig | OciManifest): Buffer {
  return Buffer.from(JSON.stringify(doc));
}
