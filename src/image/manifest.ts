// Image manifests, indexes and configs read from untrusted sources (registries, archives): media types, strict
// shape checks, and the platform choice in a manifest list. Everything here is pure: bytes in, typed values or an
// InvalidArgumentError out. The bytes themselves are kept by the callers (digests cover them, push resends them).
//   docker schema 2:  application/vnd.docker.distribution.manifest.v2+json, ….manifest.list.v2+json
//   OCI image spec:   application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json
import { InvalidArgumentError } from '../errors/errors';
import { MEDIA_TYPE, ociArchitecture, type Descriptor, type OciImageConfig } from './oci';

export const MANIFEST_TYPES = {
  ociManifest: MEDIA_TYPE.manifest,
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const SCHEMA1 = new Set(['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws']);

export const CONFIG_TYPES = new Set([MEDIA_TYPE.config, 'application/vnd.docker.container.image.v1+json']);

export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** Layer media types this store accepts: plain tar and gzip. */
const LAYER_TYPES = new Set<string>([MEDIA_TYPE.layer, MEDIA_TYPE.layerGzip, DOCKER_LAYER_GZIP, 'application/vnd.docker.image.rootfs.diff.tar']);
const ZSTD_LAYER_TYPES = new Set(['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd']);
const FOREIGN_LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
]);

/** Largest manifest or index accepted (the distribution registry's own limit). */
export const MAX_MANIFEST_SIZE = 4 << 20;
/** Largest image config accepted. */
export const MAX_CONFIG_SIZE = 16 << 20;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface IndexEntry extends Descriptor {
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ParsedIndex {
  kind: 'index';
  mediaType: string;
  manifests: IndexEntry[];
}

export interface ParsedManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

function bad(what: string, detail: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid ${what}: ${detail}`);
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJson(data: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    throw bad(what, 'not valid JSON');
  }
  if (!isRecord(doc)) throw bad(what, 'not a JSON object');
  return doc;
}

/** A descriptor with a sha256 digest and a sane size. */
export function parseDescriptor(v: unknown, what: string): Descriptor {
  if (!isRecord(v)) throw bad(what, 'descriptor is not an object');
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') throw bad(what, 'descriptor without a media type');
  if (typeof digest !== 'string') throw bad(what, 'descriptor without a digest');
  if (!DIGEST_RE.test(digest)) {
    if (/^[a-z0-9+._-]+:[a-zA-Z0-9=_-]+$/.test(digest) && !digest.startsWith('sha256:')) throw new InvalidArgumentError(`unsupported digest algorithm in ${digest}: only sha256 is supported`);
    throw bad(what, `bad digest ${JSON.stringify(digest).slice(0, 80)}`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(what, `bad size for ${digest}`);
  return { mediaType, digest, size };
}

/**
 * Parses a manifest or an index. The media type comes from the document, or from the transport (Content-Type,
 * an index.json descriptor) when the document omits it (allowed for OCI).
 */
export function parseManifestDocument(data: Buffer, outerType?: string): ParsedIndex | ParsedManifest {
  if (data.length > MAX_MANIFEST_SIZE) throw bad('manifest', `larger than ${MAX_MANIFEST_SIZE} bytes`);
  const doc = parseJson(data, 'manifest');
  const inner = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  let mediaType = inner ?? outerType ?? '';
  if (SCHEMA1.has(mediaType) || doc.schemaVersion === 1) {
    throw new InvalidArgumentError('unsupported manifest: docker schema 1 (deprecated, has no image config)', { hint: 'push the image again with a current tool' });
  }
  if (doc.schemaVersion !== 2) throw bad('manifest', `schemaVersion ${JSON.stringify(doc.schemaVersion)} is not 2`);
  if (mediaType === '' || mediaType === 'application/json' || mediaType === 'text/plain') {
    // An OCI document without a mediaType: tell an index from a manifest by its members.
    mediaType = Array.isArray(doc.manifests) ? MANIFEST_TYPES.ociIndex : MANIFEST_TYPES.ociManifest;
  }
  if (mediaType === MANIFEST_TYPES.ociIndex || mediaType === MANIFEST_TYPES.dockerList) {
    if (!Array.isArray(doc.manifests)) throw bad('manifest list', 'no manifests array');
    const manifests = doc.manifests.map((m, i): IndexEntry => {
      const d = parseDescriptor(m, `manifest list entry ${i}`);
      const e: IndexEntry = { ...d };
      const rec = m as Record<string, unknown>;
      if (isRecord(rec.platform)) {
        const { os, architecture, variant } = rec.platform;
        if (typeof os === 'string' && typeof architecture === 'string') {
          e.platform = { os, architecture, ...(typeof variant === 'string' ? { variant } : {}) };
        }
      }
      if (isRecord(rec.annotations)) e.annotations = stringRecord(rec.annotations);
      return e;
    });
    return { kind: 'index', mediaType, manifests };
  }
  if (mediaType !== MANIFEST_TYPES.ociManifest && mediaType !== MANIFEST_TYPES.dockerManifest) {
    throw new InvalidArgumentError(`unsupported manifest media type ${JSON.stringify(mediaType).slice(0, 120)}`);
  }
  const config = parseDescriptor(doc.config, 'manifest config');
  if (!CONFIG_TYPES.has(config.mediaType)) {
    throw new InvalidArgumentError(`unsupported config media type ${JSON.stringify(config.mediaType).slice(0, 120)}: not a container image`);
  }
  if (config.size > MAX_CONFIG_SIZE) throw bad('manifest', `config of ${config.size} bytes is larger than ${MAX_CONFIG_SIZE}`);
  if (!Array.isArray(doc.layers)) throw bad('manifest', 'no layers array');
  const layers = doc.layers.map((l, i) => {
    const d = parseDescriptor(l, `manifest layer ${i}`);
    checkLayerType(d);
    return d;
  });
  return { kind: 'manifest', mediaType, config, layers };
}

function checkLayerType(d: Descriptor): void {
  if (LAYER_TYPES.has(d.mediaType)) return;
  if (ZSTD_LAYER_TYPES.has(d.mediaType)) {
    throw new InvalidArgumentError(`unsupported layer compression zstd (${d.digest.slice(7, 19)})`, { hint: 'Node 20 has no zstd decoder; use an image with gzip or uncompressed layers' });
  }
  if (FOREIGN_LAYER_TYPES.has(d.mediaType)) throw new InvalidArgumentError(`unsupported foreign (non-distributable) layer ${d.digest.slice(7, 19)}`);
  throw new InvalidArgumentError(`unsupported layer media type ${JSON.stringify(d.mediaType).slice(0, 120)}`);
}

function stringRecord(r: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The platform this engine runs: linux and the GOARCH name of this CPU. */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: ociArchitecture() };
}

export function platformString(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** The entry of a manifest list for the host platform; attestation manifests (unknown/unknown) are skipped. */
export function selectPlatform(index: ParsedIndex, want: Platform = hostPlatform()): IndexEntry {
  const candidates = index.manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const exact = candidates.find((m) => (m.platform?.variant ?? '') === (want.variant ?? ''));
  const pick = exact ?? candidates[0];
  if (pick) return pick;
  const have = [...new Set(index.manifests.map((m) => platformString(m.platform)).filter((p) => p !== 'unknown/unknown'))];
  throw new InvalidArgumentError(`no image for ${platformString(want)} in the manifest list (it has: ${have.join(', ') || 'nothing'})`);
}

/** Checks the image config against its manifest: linux, layers, one diff_id per layer. */
export function parseImageConfig(data: Buffer, layerCount: number): OciImageConfig {
  const doc = parseJson(data, 'image config');
  if (doc.os !== undefined && doc.os !== 'linux') throw new InvalidArgumentError(`image is for ${String(doc.os)}: only linux images run here`);
  const rootfs = doc.rootfs;
  if (!isRecord(rootfs) || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) throw bad('image config', 'no rootfs.diff_ids');
  const diffIds = rootfs.diff_ids;
  if (!diffIds.every((d): d is string => typeof d === 'string' && DIGEST_RE.test(d))) throw bad('image config', 'a diff_id is not a sha256 digest');
  if (diffIds.length !== layerCount) throw bad('image', `the config lists ${diffIds.length} layers, the manifest ${layerCount}`);
  if (doc.config !== undefined && doc.config !== null && !isRecord(doc.config)) throw bad('image config', 'config is not an object');
  return doc as unknown as OciImageConfig;
}

/** Converts a docker schema 2 manifest to its OCI form (same config and layer bytes; the manifest digest changes). */
export function toOciManifest(m: ParsedManifest): { schemaVersion: 2; mediaType: string; config: Descriptor; layers: Descriptor[] } {
  const layerType = (t: string) => (t === DOCKER_LAYER_GZIP ? MEDIA_TYPE.layerGzip : t === 'application/vnd.docker.image.rootfs.diff.tar' ? MEDIA_TYPE.layer : t);
  return {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPE.config, digest: m.config.digest, size: m.config.size },
    layers: m.layers.map((l) => ({ mediaType: layerType(l.mediaType), digest: l.digest, size: l.size })),
  };
}
