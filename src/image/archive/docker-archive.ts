// docker-archive: what `docker save` (and `podman save --format docker-archive`) writes.
//   manifest.json       [{ "Config": "<hex>.json", "RepoTags": ["busybox:latest"], "Layers": ["<hex>.tar", …] }, …]
//   repositories        { "busybox": { "latest": "<top layer id>" } }   (legacy; read by nobody when manifest.json exists)
//   <config hex>.json   the image config, byte-exact (so the image ID survives save → load)
//   <diffID hex>.tar    each layer, uncompressed: its sha256 is the config's diff_id
// Older docker writes "<v1 id>/layer.tar" (and symlinks for repeated layers), docker ≥ 25 "blobs/sha256/<hex>";
// all are read through manifest.json. There is no registry manifest in this format: load writes an OCI
// manifest over the layer files as they were in the archive.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import type { TarInput } from '../../archive/tar-writer';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { sha256 } from '../blobs';
import { addLayer, readLayerInfo } from '../layers';
import { MAX_CONFIG_SIZE, parseImageConfig } from '../manifest';
import { buildManifest, MEDIA_TYPE, serialize, type Descriptor } from '../oci';
import { canonicalString, familiarString, parseReference } from '../reference';
import type { RegisterRequest } from '../register';
import { cleanMemberPath, type SpooledArchive } from './spool';
import type { Touched } from './load';
import type { SaveImage } from './save';

const WHAT = 'docker-archive';

interface ManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

function parseManifestJson(data: Buffer): ManifestEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8'));
  } catch {
    throw new InvalidArgumentError(`invalid ${WHAT}: manifest.json is not valid JSON`);
  }
  if (!Array.isArray(doc) || doc.length === 0) throw new InvalidArgumentError(`invalid ${WHAT}: manifest.json lists no images`);
  return doc.map((e: unknown, i) => {
    const r = e as Record<string, unknown>;
    const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (typeof r !== 'object' || r === null || typeof r.Config !== 'string' || !strings(r.Layers) || !(r.RepoTags == null || strings(r.RepoTags))) {
      throw new InvalidArgumentError(`invalid ${WHAT}: manifest.json entry ${i} needs Config, Layers and RepoTags`);
    }
    return { Config: r.Config, RepoTags: (r.RepoTags as string[] | null) ?? [], Layers: r.Layers as string[] };
  });
}

/** Adds every layer of every image in the archive; returns what to register (nothing is registered here). */
export async function loadDockerArchive(layout: Layout, log: Logger, ar: SpooledArchive, touched: Touched): Promise<RegisterRequest[]> {
  const entries = parseManifestJson(ar.read('manifest.json', 16 << 20, WHAT));
  const out: RegisterRequest[] = [];
  for (const entry of entries) {
    const configPath = cleanMemberPath(entry.Config, WHAT);
    const configBytes = ar.read(configPath, MAX_CONFIG_SIZE, WHAT);
    const id = sha256(configBytes);
    const named = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(configPath);
    if (named && named[1] !== id.slice(7)) throw new InvalidArgumentError(`invalid ${WHAT}: digest mismatch: config ${entry.Config} has digest ${id}`);
    const config = parseImageConfig(configBytes, entry.Layers.length);
    const tags = entry.RepoTags.map((t) => {
      const ref = parseReference(t);
      if (ref.digest) throw new InvalidArgumentError(`invalid ${WHAT}: RepoTags entry ${t} is a digest`);
      return canonicalString(ref);
    });
    const layers: Descriptor[] = [];
    for (let i = 0; i < entry.Layers.length; i++) {
      const p = cleanMemberPath(entry.Layers[i], WHAT);
      const member = ar.lookup(p);
      if (!member) throw new InvalidArgumentError(`invalid ${WHAT}: layer ${entry.Layers[i]} is missing from the archive`);
      const diffId = config.rootfs.diff_ids[i];
      const byName = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(p);
      const added = await addLayer(layout, log, fs.createReadStream(member.file), {
        diffId,
        size: member.size,
        ...(byName ? { digest: `sha256:${byName[1]}` } : {}),
        what: `${WHAT} layer ${entry.Layers[i]}`,
      });
      touched.blobs.add(added.received.digest); // collected again on failure only if nothing references it
      if (added.created) touched.layers.add(added.diffId);
      layers.push(added.received);
    }
    const manifest = serialize(buildManifest({ mediaType: MEDIA_TYPE.config, digest: id, size: configBytes.length }, layers));
    out.push({ manifest, mediaType: MEDIA_TYPE.manifest, config: configBytes, tags });
  }
  return out;
}

/** The archive's members for these images: configs, uncompressed layers (each once), manifest.json, repositories. */
export async function* dockerArchiveEntries(layout: Layout, images: SaveImage[]): AsyncGenerator<TarInput> {
  const written = new Set<string>();
  const manifest: ManifestEntry[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const img of images) {
    const configName = `${img.id.slice(7)}.json`;
    if (!written.has(configName)) {
      written.add(configName);
      yield { entry: { path: configName, type: 'file', mode: 0o644 }, body: img.config };
    }
    const layerNames: string[] = [];
    for (let i = 0; i < img.diffIds.length; i++) {
      const diffId = img.diffIds[i];
      const name = `${diffId.slice(7)}.tar`;
      layerNames.push(name);
      if (written.has(name)) continue;
      written.add(name);
      const blob = img.layers[i];
      const size = await uncompressedSize(layout, diffId, blob);
      yield { entry: { path: name, type: 'file', mode: 0o644, size }, body: uncompressed(layout, blob, diffId) };
    }
    const repoTags = img.tags.map((t) => familiarString(parseReference(t)));
    manifest.push({ Config: configName, RepoTags: repoTags, Layers: layerNames });
    for (const t of img.tags) {
      const ref = parseReference(t);
      const name = familiarString({ domain: ref.domain, path: ref.path });
      (repositories[name] ??= {})[ref.tag ?? 'latest'] = chainId(img.diffIds).slice(7);
    }
  }
  yield { entry: { path: 'manifest.json', type: 'file', mode: 0o644 }, body: Buffer.from(JSON.stringify(manifest)) };
  yield { entry: { path: 'repositories', type: 'file', mode: 0o644 }, body: Buffer.from(JSON.stringify(repositories)) };
}

/** The OCI chain ID of a layer stack: ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainId(diffIds: string[]): string {
  let chain = diffIds[0] ?? '';
  for (const d of diffIds.slice(1)) chain = `sha256:${createHash('sha256').update(`${chain} ${d}`).digest('hex')}`;
  return chain;
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Bytes of the uncompressed layer: recorded in layer.json, else counted once. */
async function uncompressedSize(layout: Layout, diffId: string, blob: Descriptor): Promise<number> {
  const file = layout.blobPath(blob.digest);
  if (!isGzip(file)) return fs.statSync(file).size;
  const known = readLayerInfo(layout, diffId)?.tarSize;
  if (known !== undefined) return known;
  let n = 0;
  for await (const chunk of fs.createReadStream(file).pipe(zlib.createGunzip())) n += (chunk as Buffer).length;
  return n;
}

/** The layer tar, decompressed when the blob is gzip; its digest is checked against the diffID at the end. */
async function* uncompressed(layout: Layout, blob: Descriptor, diffId: string): AsyncGenerator<Buffer> {
  const file = layout.blobPath(blob.digest);
  const src = isGzip(file) ? fs.createReadStream(file).pipe(zlib.createGunzip()) : fs.createReadStream(file);
  const hash = createHash('sha256');
  for await (const chunk of src) {
    hash.update(chunk as Buffer);
    yield chunk as Buffer;
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== diffId) throw new InvalidArgumentError(`layer blob ${blob.digest} in the store does not match its diff id ${diffId}`);
}
