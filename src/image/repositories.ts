// repositories.json: which images exist and which names point at them. Replaced whole (writeJsonAtomic) under
// the "images" lock, so readers need no lock and see the old or the new file.
//   images: image id (config digest) → its manifest digest; every image, tagged or not (docker's <none>)
//   refs:   "docker.io/library/busybox:latest" → { manifest, id }; also digest references
//           "docker.io/library/busybox@sha256:<manifest or index digest>" (docker's RepoDigests) from pull/push/load
// The lock is flock(2) (other processes) plus an in-process queue: flock is per open file, so two async
// operations in one process would otherwise block the event loop on each other forever.
import { InternalError } from '../errors/errors';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { Layout } from '../store/layout';
import { withLock } from '../store/lock';
import * as fs from 'node:fs';

export interface RepositoriesFile {
  schemaVersion: 1;
  /** mediaType: the manifest's media type when it is not an OCI manifest (pulled docker schema 2, for push). */
  images: Record<string, { manifest: string; mediaType?: string }>;
  refs: Record<string, { manifest: string; id: string }>;
}

export function readRepositories(layout: Layout): RepositoriesFile {
  const file = readJsonIfExists<RepositoriesFile>(layout.repositoriesFile);
  if (!file) return { schemaVersion: 1, images: {}, refs: {} };
  if (file.schemaVersion !== 1) throw new InternalError(`unsupported schema ${String(file.schemaVersion)} in ${layout.repositoriesFile}`);
  return { schemaVersion: 1, images: file.images ?? {}, refs: file.refs ?? {} };
}

/** Read-modify-write of repositories.json under the images lock. */
export async function updateRepositories<T>(layout: Layout, change: (repos: RepositoriesFile) => T): Promise<T> {
  return withLock(layout, 'images', () => {
    const repos = readRepositories(layout);
    const result = change(repos);
    fs.mkdirSync(layout.imagesDir, { recursive: true, mode: 0o700 });
    writeJsonAtomic(layout.repositoriesFile, sortedRepositories(repos));
    return result;
  });
}

function sortedRepositories(r: RepositoriesFile): RepositoriesFile {
  const sort = <V>(o: Record<string, V>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { schemaVersion: 1, images: sort(r.images), refs: sort(r.refs) };
}
