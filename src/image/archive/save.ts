// mydocker save: images → a docker-archive or an oci-archive, streamed (layers are never held in memory);
// where the stream goes (a file written whole or not at all, stdout, an HTTP body) is the front's choice.
import { Readable } from 'node:stream';
import { tarChunks } from '../../archive/tar-writer';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { readBlob } from '../blobs';
import { parseManifestDocument } from '../manifest';
import type { Descriptor } from '../oci';
import { canonicalString, isFullImageId, parseReference } from '../reference';
import { storedManifestType } from '../register';
import { readRepositories } from '../repositories';
import { ImageStore } from '../store';
import { dockerArchiveEntries } from './docker-archive';
import type { ArchiveFormat } from './load';
import { ociArchiveEntries } from './oci-archive';

/** One image to write, with its bytes as stored. */
export interface SaveImage {
  id: string;
  /** Canonical tags to name it by ("docker.io/library/busybox:latest"). */
  tags: string[];
  config: Buffer;
  manifest: Buffer;
  manifestMediaType: string;
  /** Layer blobs as the manifest lists them, bottom first. */
  layers: Descriptor[];
  diffIds: string[];
}

/** Resolves the arguments (names or ids); images named twice are written once with both tags. */
export async function collectImages(layout: Layout, log: Logger, names: string[]): Promise<SaveImage[]> {
  const store = new ImageStore(layout, log);
  const byId = new Map<string, SaveImage>();
  for (const name of names) {
    const record = await store.resolve(name);
    const repos = readRepositories(layout);
    let tag: string | undefined;
    if (!isFullImageId(name)) {
      try {
        const ref = parseReference(name);
        if (!ref.digest && repos.refs[canonicalString(ref)]?.id === record.id) tag = canonicalString(ref);
      } catch {
        // an id prefix
      }
    }
    let img = byId.get(record.id);
    if (!img) {
      const entry = repos.images[record.id];
      const manifest = readBlob(layout, entry.manifest);
      const mediaType = storedManifestType(entry, manifest);
      const parsed = parseManifestDocument(manifest, mediaType);
      if (parsed.kind !== 'manifest') throw new InvalidArgumentError(`image ${record.id} has an index as its manifest`);
      img = { id: record.id, tags: [], config: readBlob(layout, record.id), manifest, manifestMediaType: mediaType, layers: parsed.layers, diffIds: record.diffIds };
      byId.set(record.id, img);
    }
    if (tag && !img.tags.includes(tag)) img.tags.push(tag);
  }
  return [...byId.values()];
}

export function archiveStream(layout: Layout, images: SaveImage[], format: ArchiveFormat): Readable {
  const entries = format === 'oci-archive' ? ociArchiveEntries(layout, images) : dockerArchiveEntries(layout, images);
  return Readable.from(tarChunks(entries), { objectMode: false });
}

/** Writes the archive to `file` atomically (temp name in the same directory, then rename). */
