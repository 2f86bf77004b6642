// The image store: OCI blobs (layer tars as received, configs, manifests) under blobs/sha256, layers unpacked
// once under layers/<diffID>/diff, and repositories.json naming images. The image ID is the config digest.
// Order of every write: blobs and layers first (content-addressed, invisible until referenced), the reference
// last and atomically — so a failed or killed import never leaves a name pointing at something incomplete.
import * as fs from 'node:fs';
import type { TarSource } from '../archive/tar-reader';
import { InternalError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Layout } from '../store/layout';
import { putBlob, readJsonBlob } from './blobs';
import { BUILTIN_IMAGE, DEFAULT_BUSYBOX_BINARY, ensureBuiltinBusybox } from './builtin-busybox';
import { addLayer, layerDiffDir, readLayerInfo } from './layers';
import { buildImageConfig, buildManifest, MEDIA_TYPE, serialize, type HistoryEntry, type ImageConfig, type OciImageConfig, type OciManifest } from './oci';
import { canonicalString, familiarString, isFullImageId, normalizeReference, parseReference } from './reference';
import { withContentLease } from './lease';
import { readRepositories, updateRepositories, type RepositoriesFile } from './repositories';

export type { ImageConfig, HistoryEntry } from './oci';

export interface ImageRecord {
  /** "sha256:<hex>": the digest of the image config. */
  id: string;
  /** Familiar names, e.g. "busybox:latest". */
  repoTags: string[];
  /** Familiar digest references recorded by pull, push and load, e.g. "localhost:5000/app@sha256:…". */
  repoDigests: string[];
  manifestDigest: string;
  created: string;
  config: ImageConfig;
  diffIds: string[];
  /** Unpacked dirs, bottom layer first. */
  layerDirs: string[];
  size: number;
  architecture: string;
  os: string;
}

export interface ImageStoreOptions {
  /** The static busybox the built-in default image is made from (default /bin/busybox). */
  busyboxBinary?: string;
}

export interface ImportOptions {
  changes?: Partial<ImageConfig>;
  message?: string;
}

export interface CreateImageOptions {
  /** RFC 3339 creation time (default: now); fixed by callers that need reproducible image ids. */
  created?: string;
  author?: string;
}

const ID_PREFIX_RE = /^(?:sha256:)?([a-f0-9]{1,64})$/;

export class ImageStore {
  constructor(readonly layout: Layout, private readonly log: Logger, private readonly opts: ImageStoreOptions = {}) {}

  /**
   * Resolves a reference or an image id / unique id prefix. The built-in default image "busybox" (busybox:latest)
   * is created on first use when missing. NotFoundError("unable to find image 'x:latest' locally") otherwise.
   */
  async resolve(ref: string): Promise<ImageRecord> {
    const found = await this.find(ref);
    if (found) return found;
    if (isFullImageId(ref)) throw new NotFoundError(`no such image: ${ref}`);
    const normalized = normalizeReference(ref);
    if (normalized === normalizeReference(BUILTIN_IMAGE)) {
      return withContentLease(this.layout, () => ensureBuiltinBusybox(this, this.layout, this.log, this.opts.busyboxBinary ?? DEFAULT_BUSYBOX_BINARY));
    }
    throw new NotFoundError(`unable to find image '${familiarString(parseReference(ref))}' locally`);
  }

  /** Like resolve, without creating the built-in image: undefined when nothing matches. */
  async find(ref: string): Promise<ImageRecord | undefined> {
    const repos = readRepositories(this.layout);
    const id = lookup(repos, ref);
    return id === undefined ? undefined : this.load(repos, id);
  }

  async list(): Promise<ImageRecord[]> {
    const repos = readRepositories(this.layout);
    const records = Object.keys(repos.images).map((id) => this.load(repos, id));
    return records.sort((a, b) => (a.created === b.created ? (a.id < b.id ? -1 : 1) : a.created < b.created ? 1 : -1));
  }

  /** rootfs tarball (file path, or '-' for stdin) → single-layer image tagged ref (ref optional: untagged). */
  async importTarball(source: string | NodeJS.ReadableStream, ref: string | undefined, opts: ImportOptions = {}): Promise<ImageRecord> {
    if (ref !== undefined) tagKey(ref); // refuse a bad name before reading anything
    const stream = openSource(source);
    return withContentLease(this.layout, async () => {
      const layer = await this.addLayer(stream);
      const comment = opts.message ? opts.message : `Imported from ${source}`;
      return this.createImage([layer.diffId], { ...(opts.changes ?? {}) }, ref, [{ comment }]);
    });
  }

  /**
   * Runs fn while holding a shared content lease: garbage collection (rmi, image prune) waits until every lease
   * is gone, so blobs and layers written by fn are not collected before fn references them. Wrap every
   * addLayer(...) ... createImage(...) sequence (commit, build) in one.
   */
  withContentLease<T>(fn: () => Promise<T>): Promise<T> {
    return withContentLease(this.layout, fn);
  }

  /** Adds a layer tar stream (plain or gzip): stores the blob, unpacks it once, returns its diffID and dir. */
  async addLayer(stream: NodeJS.ReadableStream | TarSource): Promise<{ diffId: string; dir: string; size: number }> {
    const layer = await addLayer(this.layout, this.log, stream);
    return { diffId: layer.diffId, dir: layer.dir, size: layer.size };
  }

  /** Writes config + manifest for the given layers (diffIDs, bottom first) and tags it. */
  async createImage(layers: string[], config: ImageConfig, ref: string | undefined, history?: HistoryEntry[], opts: CreateImageOptions = {}): Promise<ImageRecord> {
    const key = ref === undefined ? undefined : tagKey(ref);
    const blobs = layers.map((diffId) => {
      const info = readLayerInfo(this.layout, diffId);
      if (!info) throw new NotFoundError(`layer ${diffId} is not in the store`);
      if (!fs.existsSync(this.layout.blobPath(info.blob.digest))) throw new InternalError(`blob ${info.blob.digest} of layer ${diffId} is missing`);
      return info.blob;
    });
    const created = opts.created ?? new Date().toISOString();
    const hist = (history ?? layers.map((): HistoryEntry => ({}))).map((h) => ({ ...h, created: h.created ?? created }));
    const configDoc = buildImageConfig({ created, ...(opts.author ? { author: opts.author } : {}), config, diffIds: layers, history: hist });
    const configDesc = putBlob(this.layout, serialize(configDoc), MEDIA_TYPE.config);
    const manifestDesc = putBlob(this.layout, serialize(buildManifest(configDesc, blobs)), MEDIA_TYPE.manifest);
    const id = configDesc.digest;
    const repos = await updateRepositories(this.layout, (r) => {
      r.images[id] = { manifest: manifestDesc.digest };
      if (key) r.refs[key] = { manifest: manifestDesc.digest, id };
      return r;
    });
    this.log.debug('image', 'created image', { id, manifest: manifestDesc.digest, ref: key });
    return this.load(repos, id);
  }

  /** Points target (name[:tag]) at the image source names. */
  async tag(source: string, target: string): Promise<void> {
    const key = tagKey(target);
    const image = await this.resolve(source);
    await updateRepositories(this.layout, (r) => {
      if (!r.images[image.id]) throw new NotFoundError(`no such image: ${source}`);
      r.refs[key] = { manifest: r.images[image.id].manifest, id: image.id };
    });
  }

  private load(repos: RepositoriesFile, id: string): ImageRecord {
    const entry = repos.images[id];
    if (!entry) throw new NotFoundError(`no such image: ${id}`);
    const manifest = readJsonBlob<OciManifest>(this.layout, entry.manifest);
    if (manifest.config?.digest !== id) throw new InternalError(`manifest ${entry.manifest} does not belong to image ${id}`);
    const config = readJsonBlob<OciImageConfig>(this.layout, id);
    const diffIds = config.rootfs?.diff_ids ?? [];
    let size = 0;
    for (const diffId of diffIds) {
      const info = readLayerInfo(this.layout, diffId);
      if (!info) throw new InternalError(`image ${id.slice(7, 19)} is damaged: layer ${diffId} is missing from ${this.layout.layersDir}`);
      size += info.size;
    }
    const names = Object.entries(repos.refs)
      .filter(([, v]) => v.id === id)
      .map(([k]) => familiarString(parseReference(k)))
      .sort();
    return {
      id,
      repoTags: names.filter((n) => !n.includes('@')),
      repoDigests: names.filter((n) => n.includes('@')),
      manifestDigest: entry.manifest,
      created: config.created ?? '',
      config: config.config ?? {},
      diffIds,
      layerDirs: diffIds.map((d) => layerDiffDir(this.layout, d)),
      size,
      architecture: config.architecture,
      os: config.os,
    };
  }
}

/** The repositories.json key for a name to be tagged; digests cannot be tags. */
function tagKey(ref: string): string {
  const parsed = parseReference(ref);
  if (parsed.digest) throw new InvalidArgumentError(`refusing to create a tag with a digest reference: ${ref}`);
  return canonicalString(parsed);
}

/** Image id for a reference, a full id, or a unique id prefix. */
function lookup(repos: RepositoriesFile, text: string): string | undefined {
  if (isFullImageId(text)) {
    const id = text.startsWith('sha256:') ? text : `sha256:${text}`;
    return repos.images[id] ? id : undefined;
  }
  let parsed;
  try {
    parsed = parseReference(text);
  } catch (err) {
    if (!ID_PREFIX_RE.test(text)) throw err;
  }
  if (parsed?.digest) {
    const direct = repos.refs[canonicalString(parsed)];
    if (direct) return direct.id;
    const digest = parsed.digest;
    const name = `${parsed.domain}/${parsed.path}`;
    const byName = Object.entries(repos.refs).find(([k, v]) => v.manifest === digest && k.startsWith(`${name}:`));
    if (byName) return byName[1].id;
    return Object.entries(repos.images).find(([, v]) => v.manifest === digest)?.[0];
  }
  if (parsed) {
    const hit = repos.refs[canonicalString(parsed)];
    if (hit) return hit.id;
  }
  const m = ID_PREFIX_RE.exec(text);
  if (!m) return undefined;
  const matches = Object.keys(repos.images).filter((id) => id.slice(7).startsWith(m[1]));
  if (matches.length > 1) throw new InvalidArgumentError(`image id prefix ${text} is ambiguous: it matches ${matches.length} images`);
  return matches[0];
}

/** A file by name, or a stream the front opened (its stdin, a request body). */
function openSource(source: string | NodeJS.ReadableStream): NodeJS.ReadableStream {
  if (typeof source !== 'string') return source;
  if (/^[a-z]+:\/\//i.test(source)) throw new InvalidArgumentError(`importing from a URL is not supported: ${source}`);
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`open ${source}: no such file or directory`);
    throw err;
  }
  if (st.isDirectory()) throw new InvalidArgumentError(`${source} is a directory, not a tarball`);
  return fs.createReadStream(source);
}
