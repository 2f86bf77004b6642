// oci-archive: an OCI image layout in a tar (what `podman save --format oci-archive` and skopeo write).
//   oci-layout          {"imageLayoutVersion": "1.0.0"}
//   index.json          { schemaVersion: 2, manifests: [ { manifest descriptor, annotations:
//                          { "org.opencontainers.image.ref.name": "docker.io/library/busybox:latest" } } ] }
//   blobs/sha256/<hex>  manifests, configs and layers, byte-exact (the manifest digest survives save → load)
// Names: "io.containerd.image.name" (docker ≥ 25) or a ref.name that is a full reference; a ref.name that is
// only a tag ("latest", as skopeo's oci:DIR:latest writes) names no repository, and the image loads untagged.
import * as fs from 'node:fs';
import type { TarInput } from '../../archive/tar-writer';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { sha256 } from '../blobs';
import { addLayer } from '../layers';
import { MANIFEST_TYPES, MAX_CONFIG_SIZE, MAX_MANIFEST_SIZE, parseImageConfig, parseJson, parseManifestDocument, selectPlatform, toOciManifest, type IndexEntry, type ParsedManifest } from '../manifest';
import type { Descriptor } from '../oci';
import { canonicalString, parseReference } from '../reference';
import type { RegisterRequest } from '../register';
import type { Touched } from './load';
import type { SaveImage } from './save';
import type { SpooledArchive } from './spool';

const WHAT = 'oci-archive';
export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';

function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice(7)}`;
}

/** A small blob (manifest, config, index): size and digest checked against its descriptor. */
function readBlob(ar: SpooledArchive, d: Descriptor, limit: number, what: string): Buffer {
  const m = ar.lookup(blobPath(d.digest));
  if (!m) throw new InvalidArgumentError(`invalid ${WHAT}: ${what} ${d.digest} is missing from the archive`);
  if (m.size !== d.size) throw new InvalidArgumentError(`invalid ${WHAT}: ${what} ${d.digest} has ${m.size} bytes, its descriptor says ${d.size}`);
  const data = ar.read(blobPath(d.digest), limit, WHAT);
  const actual = sha256(data);
  if (actual !== d.digest) throw new InvalidArgumentError(`invalid ${WHAT}: digest mismatch: ${what} ${d.digest} has content ${actual}`);
  return data;
}

/** The tag an index entry names, canonical; undefined when it names none. */
function entryName(e: IndexEntry): string | undefined {
  const candidates = [e.annotations?.[CONTAINERD_NAME], e.annotations?.[REF_NAME]].filter((x): x is string => !!x);
  for (const c of candidates) {
    if (!c.includes('/') && !c.includes(':')) continue; // a bare tag: no repository
    let ref;
    try {
      ref = parseReference(c);
    } catch (err) {
      throw new InvalidArgumentError(`invalid ${WHAT}: image name ${JSON.stringify(c).slice(0, 200)} in index.json: ${(err as Error).message}`);
    }
    if (ref.digest) return undefined;
    return canonicalString(ref);
  }
  return undefined;
}

export async function loadOciArchive(layout: Layout, log: Logger, ar: SpooledArchive, touched: Touched): Promise<RegisterRequest[]> {
  const layoutDoc = parseJson(ar.read('oci-layout', 4096, WHAT), 'oci-layout');
  if (typeof layoutDoc.imageLayoutVersion !== 'string') throw new InvalidArgumentError(`invalid ${WHAT}: oci-layout has no imageLayoutVersion`);
  const index = parseManifestDocument(ar.read('index.json', MAX_MANIFEST_SIZE, WHAT), MANIFEST_TYPES.ociIndex);
  if (index.kind !== 'index') throw new InvalidArgumentError(`invalid ${WHAT}: index.json is not an image index`);
  if (index.manifests.length === 0) throw new InvalidArgumentError(`invalid ${WHAT}: index.json lists no images`);
  const byManifest = new Map<string, RegisterRequest>();
  for (const entry of index.manifests) {
    const name = entryName(entry);
    let desc: Descriptor = entry;
    let data = readBlob(ar, desc, MAX_MANIFEST_SIZE, 'manifest');
    let doc = parseManifestDocument(data, desc.mediaType);
    if (doc.kind === 'index') {
      desc = selectPlatform(doc);
      data = readBlob(ar, desc, MAX_MANIFEST_SIZE, 'manifest');
      doc = parseManifestDocument(data, desc.mediaType);
      if (doc.kind === 'index') throw new InvalidArgumentError(`invalid ${WHAT}: nested image indexes are not supported`);
    }
    const known = byManifest.get(desc.digest);
    if (known) {
      if (name) known.tags.push(name);
      continue;
    }
    const req = await loadImage(layout, log, ar, doc, data, touched);
    if (name) req.tags.push(name);
    byManifest.set(desc.digest, req);
  }
  return [...byManifest.values()];
}

async function loadImage(layout: Layout, log: Logger, ar: SpooledArchive, m: ParsedManifest, manifestBytes: Buffer, touched: Touched): Promise<RegisterRequest> {
  const configBytes = readBlob(ar, m.config, MAX_CONFIG_SIZE, 'config');
  const config = parseImageConfig(configBytes, m.layers.length);
  for (let i = 0; i < m.layers.length; i++) {
    const d = m.layers[i];
    const member = ar.lookup(blobPath(d.digest));
    if (!member) throw new InvalidArgumentError(`invalid ${WHAT}: layer ${d.digest} is missing from the archive`);
    if (member.size !== d.size) throw new InvalidArgumentError(`invalid ${WHAT}: layer ${d.digest} has ${member.size} bytes, its descriptor says ${d.size}`);
    const added = await addLayer(layout, log, fs.createReadStream(member.file), { digest: d.digest, size: d.size, diffId: config.rootfs.diff_ids[i], what: `${WHAT} layer ${d.digest.slice(7, 19)}` });
    touched.blobs.add(added.received.digest);
    if (added.created) touched.layers.add(added.diffId);
  }
  return { manifest: manifestBytes, mediaType: m.mediaType, config: configBytes, tags: [] };
}

/** The archive's members: oci-layout, blobs (each once, byte-exact), index.json with one entry per tag. */
export async function* ociArchiveEntries(layout: Layout, images: SaveImage[]): AsyncGenerator<TarInput> {
  yield { entry: { path: 'oci-layout', type: 'file', mode: 0o644 }, body: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) };
  yield { entry: { path: 'blobs/', type: 'dir', mode: 0o755 } };
  yield { entry: { path: 'blobs/sha256/', type: 'dir', mode: 0o755 } };
  const written = new Set<string>();
  const blob = (digest: string, body: Buffer | undefined, size: number): TarInput | undefined => {
    if (written.has(digest)) return undefined;
    written.add(digest);
    return { entry: { path: blobPath(digest), type: 'file', mode: 0o644, size }, body: body ?? fs.createReadStream(layout.blobPath(digest)) };
  };
  const manifests: object[] = [];
  for (const img of images) {
    // An OCI layout holds OCI manifests: a docker schema 2 manifest is converted (same config and layer bytes).
    let manifest = img.manifest;
    let mediaType = img.manifestMediaType;
    if (mediaType !== MANIFEST_TYPES.ociManifest) {
      const parsed = parseManifestDocument(manifest, mediaType);
      if (parsed.kind !== 'manifest') throw new InvalidArgumentError(`image ${img.id} has an index as its manifest`);
      manifest = Buffer.from(JSON.stringify(toOciManifest(parsed)));
      mediaType = MANIFEST_TYPES.ociManifest;
    }
    const digest = sha256(manifest);
    const parsed = parseManifestDocument(manifest, mediaType) as ParsedManifest;
    for (const d of parsed.layers) {
      const e = blob(d.digest, undefined, d.size);
      if (e) yield e;
    }
    const c = blob(parsed.config.digest, img.config, img.config.length);
    if (c) yield c;
    const me = blob(digest, manifest, manifest.length);
    if (me) yield me;
    const names = img.tags.length ? img.tags : [undefined];
    for (const name of names) {
      manifests.push({
        mediaType,
        digest,
        size: manifest.length,
        ...(name ? { annotations: { [CONTAINERD_NAME]: name, [REF_NAME]: name } } : {}),
      });
    }
  }
  const index = { schemaVersion: 2, mediaType: MANIFEST_TYPES.ociIndex, manifests };
  yield { entry: { path: 'index.json', type: 'file', mode: 0o644 }, body: Buffer.from(JSON.stringify(index)) };
}
