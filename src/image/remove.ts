// rmi and image prune, with docker's rules (daemon/images/image_delete.go, image_prune.go):
//  - by name: untag it. When it was the image's last tag, the image's digest references of that repository go
//    too, and the image is deleted once nothing names it. A container using the image stops the removal of the
//    last name unless forced ("unable to remove repository reference … (must force) - container … is using its
//    referenced image …").
//  - by id: every name of the image is removed with it, but an image tagged in more than one repository needs
//    -f; a container using it needs -f too.
//  - prune: untagged images (or, with -a, every image) that no container uses.
// Deleting an image only drops its record; the blobs and layers nobody references any more are then collected
// (gc.ts), keeping the layers containers mount — a container outlives its image after `rmi -f`.
import { ConflictError, NotFoundError } from '../errors/errors';
import type { Logger } from '../log/log';
import type { Layout } from '../store/layout';
import { collectGarbage } from './gc';
import { canonicalName, canonicalString, familiarString, parseReference } from './reference';
import { updateRepositories, type RepositoriesFile } from './repositories';
import { ImageStore } from './store';

/** What rmi and prune need to know about a container (the caller reads the container store). */
export interface ContainerUse {
  id: string;
  imageId: string;
  lowerDirs: string[];
}

export interface RemoveEvent {
  kind: 'untagged' | 'deleted';
  /** A familiar reference, or an image id. */
  value: string;
}

export interface RemoveResult {
  events: RemoveEvent[];
  /** Bytes freed by the collection that followed. */
  reclaimed: number;
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

function refsOf(repos: RepositoriesFile, id: string): string[] {
  return Object.keys(repos.refs).filter((k) => repos.refs[k].id === id);
}

/** Which stored key a name matches exactly (a tag or digest reference), if any. */
function refKey(repos: RepositoriesFile, text: string): string | undefined {
  try {
    const key = canonicalString(parseReference(text));
    return repos.refs[key] ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Removes one image name or id (docker rmi semantics); returns the events in docker's order. */
export async function removeImage(layout: Layout, log: Logger, text: string, opts: { force: boolean; containers: ContainerUse[] }): Promise<RemoveEvent[]> {
  const found = await new ImageStore(layout, log).find(text);
  if (!found) throw new NotFoundError(`no such image: ${text}`);
  return updateRepositories(layout, (r) => {
    const events: RemoveEvent[] = [];
    const id = found.id;
    if (!r.images[id]) throw new NotFoundError(`no such image: ${text}`);
    const user = opts.containers.find((c) => c.imageId === id);
    const untag = (key: string) => {
      delete r.refs[key];
      events.push({ kind: 'untagged', value: familiarString(parseReference(key)) });
    };
    const key = refKey(r, text);
    if (key) {
      const refs = refsOf(r, id);
      if (refs.length === 1 && user && !opts.force) {
        throw new ConflictError(`conflict: unable to remove repository reference "${text}" (must force) - container ${short(user.id)} is using its referenced image ${short(id)}`);
      }
      untag(key);
      const name = canonicalName(parseReference(key));
      const isTag = !key.includes('@');
      if (isTag && !refsOf(r, id).some((k) => !k.includes('@') && k.startsWith(`${name}:`))) {
        for (const k of refsOf(r, id)) if (k.startsWith(`${name}@`)) untag(k);
      }
      if (refsOf(r, id).length > 0) return events;
    } else {
      const refs = refsOf(r, id);
      const repositories = new Set(refs.map((k) => canonicalName(parseReference(k))));
      const tags = refs.filter((k) => !k.includes('@'));
      if (!opts.force && (repositories.size > 1 || tags.length > 1)) {
        throw new ConflictError(`conflict: unable to delete ${short(id)} (must be forced) - image is referenced in multiple repositories`);
      }
      if (user && !opts.force) {
        throw new ConflictError(`conflict: unable to delete ${short(id)} (must be forced) - image is being used by container ${short(user.id)}`);
      }
      for (const k of refs) untag(k);
    }
    if (user && !opts.force) {
      throw new ConflictError(`conflict: unable to delete ${short(id)} (must be forced) - image is being used by container ${short(user.id)}`);
    }
    delete r.images[id];
    events.push({ kind: 'deleted', value: id });
    return events;
  });
}

/** rmi of several names: each one independently (errors collected), then one garbage collection. */
export async function removeImages(layout: Layout, log: Logger, names: string[], opts: { force: boolean; containers: ContainerUse[] }): Promise<RemoveResult & { errors: unknown[] }> {
  const events: RemoveEvent[] = [];
  const errors: unknown[] = [];
  for (const name of names) {
    try {
      events.push(...(await removeImage(layout, log, name, opts)));
    } catch (err) {
      errors.push(err);
    }
  }
  const gc = events.some((e) => e.kind === 'deleted') ? await collectGarbage(layout, log, { inUseLayerDirs: opts.containers.flatMap((c) => c.lowerDirs) }) : undefined;
  return { events, errors, reclaimed: gc?.reclaimed ?? 0 };
}

/** image prune: untagged images (all unused images with `all`) that no container uses, then a collection. */
export async function pruneImages(layout: Layout, log: Logger, opts: { all: boolean; containers: ContainerUse[] }): Promise<RemoveResult> {
  const used = new Set(opts.containers.map((c) => c.imageId));
  const events = await updateRepositories(layout, (r) => {
    const out: RemoveEvent[] = [];
    for (const id of Object.keys(r.images)) {
      if (used.has(id)) continue;
      const refs = refsOf(r, id);
      if (!opts.all && refs.some((k) => !k.includes('@'))) continue;
      for (const k of refs) {
        delete r.refs[k];
        out.push({ kind: 'untagged', value: familiarString(parseReference(k)) });
      }
      delete r.images[id];
      out.push({ kind: 'deleted', value: id });
    }
    return out;
  });
  const gc = await collectGarbage(layout, log, { inUseLayerDirs: opts.containers.flatMap((c) => c.lowerDirs) });
  return { events, reclaimed: gc.reclaimed };
}
