// mydocker load: an archive (file or stdin; docker-archive or oci-archive, plain or gzip) becomes images.
//   spool the archive into staging → tell the format (oci-layout + index.json, else manifest.json) →
//   under the content lease: every layer unpacked and checked (sizes, digests, diff_ids), every config and
//   manifest checked → all images recorded in one write of repositories.json.
// Any failure: nothing is recorded, the staging copy is removed, and the blobs and layers this load published
// are collected again (unless something references them) — a damaged archive leaves the store as it was.
import * as fs from 'node:fs';
import type { TarSource } from '../../archive/tar-reader';
import { InvalidArgumentError, MydockerError, NotFoundError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { collectGarbage } from '../gc';
import { withContentLease } from '../lease';
import { familiarString, parseReference } from '../reference';
import { registerImages } from '../register';
import { loadDockerArchive } from './docker-archive';
import { loadOciArchive } from './oci-archive';
import { SpooledArchive } from './spool';

export interface Touched {
  blobs: Set<string>;
  layers: Set<string>;
}

export interface LoadedImage {
  id: string;
  /** Familiar tags ("busybox:latest"); empty for an untagged image. */
  tags: string[];
}

export type ArchiveFormat = 'docker-archive' | 'oci-archive';

export async function loadArchive(layout: Layout, log: Logger, source: TarSource, what: string): Promise<{ format: ArchiveFormat; images: LoadedImage[] }> {
  const ar = await SpooledArchive.read(layout, log, source, what);
  const touched: Touched = { blobs: new Set(), layers: new Set() };
  try {
    const format: ArchiveFormat = ar.has('oci-layout') && ar.has('index.json') ? 'oci-archive' : ar.has('manifest.json') ? 'docker-archive' : unknownFormat(what);
    const registered = await withContentLease(layout, async () => {
      const reqs = format === 'oci-archive' ? await loadOciArchive(layout, log, ar, touched) : await loadDockerArchive(layout, log, ar, touched);
      const done = await registerImages(layout, log, reqs);
      return done.map((r, i) => ({ id: r.id, tags: reqs[i].tags.map((t) => familiarString(parseReference(t))) }));
    });
    return { format, images: registered };
  } catch (err) {
    await collectGarbage(layout, log, { candidates: touched, ifIdle: true }).catch((gcErr: unknown) => {
      if (err instanceof MydockerError) err.cleanupErrors.push(gcErr);
    });
    throw err;
  } finally {
    ar.remove();
  }
}

function unknownFormat(what: string): never {
  throw new InvalidArgumentError(`${what} is not an image archive: it has neither manifest.json (docker-archive) nor oci-layout and index.json (oci-archive)`);
}

/** An archive file (the fronts bring their own streams: stdin, a request body). */
export function openArchiveInput(file: string): { source: TarSource; what: string } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`open ${file}: no such file or directory`);
    throw err;
  }
  if (st.isDirectory()) throw new InvalidArgumentError(`${file} is a directory, not an archive`);
  return { source: fs.createReadStream(file), what: file };
}
