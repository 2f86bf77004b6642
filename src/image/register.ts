// Recording an image whose manifest and config arrived from outside (pull, load): their bytes are stored exactly
// as received, so the manifest digest stays the registry's and a push sends the same bytes back. Every blob and
// layer the manifest names must already be in the store; the reference is written last, under the images lock.
import * as fs from 'node:fs';
import { InternalError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Layout } from '../store/layout';
import { putBlob, sha256 } from './blobs';
import { readLayerInfo } from './layers';
import { MANIFEST_TYPES, parseImageConfig, parseManifestDocument } from './manifest';
import { MEDIA_TYPE } from './oci';
import { updateRepositories } from './repositories';

export interface RegisterRequest {
  manifest: Buffer;
  /** The manifest's media type (from the registry or the archive's index). */
  mediaType: string;
  config: Buffer;
  /** Canonical tag references ("localhost:5000/app:1") to point at the image. */
  tags: string[];
  /** Canonical digest references ("localhost:5000/app@sha256:…"), docker's RepoDigests. */
  digestRefs?: string[];
}

export interface Registered {
  id: string;
  manifestDigest: string;
  /** For each tag: the image id it pointed at before (undefined when new). */
  previous: Record<string, string | undefined>;
}

export async function registerImage(layout: Layout, log: Logger, req: RegisterRequest): Promise<Registered> {
  return (await registerImages(layout, log, [req]))[0];
}

/** Records several images in one write of repositories.json: all of them or none. */
export async function registerImages(layout: Layout, log: Logger, reqs: RegisterRequest[]): Promise<Registered[]> {
  const checked = reqs.map((req) => {
    const parsed = parseManifestDocument(req.manifest, req.mediaType);
    if (parsed.kind !== 'manifest') throw new InternalError('registerImage needs an image manifest, not an index');
    const id = sha256(req.config);
    if (id !== parsed.config.digest) throw new InternalError(`config digest ${id} does not match the manifest's ${parsed.config.digest}`);
    const config = parseImageConfig(req.config, parsed.layers.length);
    parsed.layers.forEach((l, i) => {
      if (!fs.existsSync(layout.blobPath(l.digest))) throw new InternalError(`layer blob ${l.digest} is not in the store`);
      if (!readLayerInfo(layout, config.rootfs.diff_ids[i])) throw new InternalError(`layer ${config.rootfs.diff_ids[i]} is not unpacked`);
    });
    putBlob(layout, req.config, parsed.config.mediaType);
    const manifest = putBlob(layout, req.manifest, parsed.mediaType);
    return { req, id, manifestDigest: manifest.digest, mediaType: parsed.mediaType };
  });
  const out: Registered[] = checked.map((c) => ({ id: c.id, manifestDigest: c.manifestDigest, previous: {} }));
  await updateRepositories(layout, (r) => {
    checked.forEach((c, i) => {
      r.images[c.id] = { manifest: c.manifestDigest, ...(c.mediaType !== MANIFEST_TYPES.ociManifest ? { mediaType: c.mediaType } : {}) };
      for (const tag of c.req.tags) {
        out[i].previous[tag] = r.refs[tag]?.id;
        r.refs[tag] = { manifest: c.manifestDigest, id: c.id };
      }
      for (const ref of c.req.digestRefs ?? []) r.refs[ref] = { manifest: c.manifestDigest, id: c.id };
    });
  });
  for (const c of checked) log.debug('image', 'registered image', { id: c.id, manifest: c.manifestDigest, tags: c.req.tags });
  return out;
}

/** The media type to send a stored manifest with. */
export function storedManifestType(entry: { mediaType?: string } | undefined, manifest: Buffer): string {
  if (entry?.mediaType) return entry.mediaType;
  try {
    const doc = JSON.parse(manifest.toString('utf8')) as { mediaType?: unknown };
    if (typeof doc.mediaType === 'string') return doc.mediaType;
  } catch {
    // fall through: our own manifests are OCI
  }
  return MEDIA_TYPE.manifest;
}
