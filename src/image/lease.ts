// Content leases and per-blob fetch locks: flock(2) taken without blocking the event loop.
//
// Garbage collection deletes blobs and layers that repositories.json does not reference. A pull or a load writes
// its blobs and layers first and records the reference last, so between those steps its content is unreferenced.
// Writers therefore hold the "image-content" lock SHARED from their first write until the reference is recorded;
// GC (rmi, image prune) holds it EXCLUSIVE. Shared holders never wait for each other.
//
// The per-blob lock ("blob-<hex>") makes two pulls of one image, in one process or two, fetch each blob once: the
// holder fetches and publishes, a waiter re-checks the store after taking the lock and finds the blob there.
// The holder deletes the lock file after publishing: a waiter holding the old inode re-checks and finds the blob,
// a newcomer re-checks too, so at worst a failed fetch is retried twice — never a lost or partial blob.
//
// Polling with LOCK_NB keeps the event loop free: concurrent layer downloads go on while one layer waits.
import * as path from 'node:path';
import type { Layout } from '../store/layout';
import { Lock } from '../store/lock';

const POLL_MS = 25;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// In this process: leases held, and a running collection (flock would deadlock between two fds of one process
// only when one side is exclusive, so the process serializes those two cases itself).
let leases = 0;
let collecting: Promise<unknown> | undefined;

const CONTENT_SCOPE = 'image-content';

/** Runs fn holding the content lease shared: no garbage collection runs meanwhile. */
export async function withContentLease<T>(layout: Layout, fn: () => Promise<T>): Promise<T> {
  while (collecting) await collecting.catch(() => undefined);
  const lock = new Lock(layout.lockFile(CONTENT_SCOPE));
  leases++;
  try {
    await lock.acquireAsync('shared');
    return await fn();
  } finally {
    leases--;
    lock.release();
  }
}

/**
 * Runs fn holding the content lease exclusively: every writer has recorded its references or not started.
 * With ifIdle, returns undefined at once when a writer holds the lease.
 */
export async function withExclusiveContent<T>(layout: Layout, fn: () => Promise<T>, opts: { onWait?: () => void; ifIdle?: boolean } = {}): Promise<T | undefined> {
  while (collecting) await collecting.catch(() => undefined);
  const run = (async () => {
    if (opts.ifIdle && leases > 0) return undefined;
    while (leases > 0) await sleep(POLL_MS);
    const lock = new Lock(layout.lockFile(CONTENT_SCOPE));
    if (!(await lock.acquireAsync('exclusive', opts.onWait, opts.ifIdle === true))) return undefined;
    try {
      return await fn();
    } finally {
      lock.release();
    }
  })();
  collecting = run;
  try {
    return await run;
  } finally {
    if (collecting === run) collecting = undefined;
  }
}

/** The lock file that serializes fetching one blob (digest "sha256:<hex>"). */
export function blobLockFile(layout: Layout, digest: string): string {
  return path.join(layout.locksDir, 'blobs', `${digest.replace(/^sha256:/, '')}.lock`);
}
