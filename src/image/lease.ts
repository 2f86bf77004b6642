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
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layout } from '../store/layout';
import { LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, sys } from '../sys/native';

const POLL_MS = 25;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class AsyncLock {
  private fd: number | undefined;
  constructor(readonly file: string) {}

  /**
   * Takes the lock, polling every 25 ms; onWait is called once when someone else holds it. With tryOnly, returns
   * false instead of waiting.
   */
  async acquire(mode: 'shared' | 'exclusive', onWait?: () => void, tryOnly = false): Promise<boolean> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    let waited = false;
    try {
      while (!sys().flock(fd, (mode === 'shared' ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
        if (tryOnly) {
          fs.closeSync(fd);
          return false;
        }
        if (!waited && onWait) onWait();
        waited = true;
        await sleep(POLL_MS);
      }
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.fd = fd;
    return true;
  }

  /** Unlinks the lock file while still holding it (see the header), then releases. */
  releaseAndRemove(): void {
    fs.rmSync(this.file, { force: true });
    this.release();
  }

  release(): void {
    if (this.fd === undefined) return;
    try {
      sys().flock(this.fd, LOCK_UN);
    } finally {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

// In this process: leases held, and a running collection (flock would deadlock between two fds of one process
// only when one side is exclusive, so the process serializes those two cases itself).
let leases = 0;
let collecting: Promise<unknown> | undefined;

const CONTENT_SCOPE = 'image-content';

/** Runs fn holding the content lease shared: no garbage collection runs meanwhile. */
export async function withContentLease<T>(layout: Layout, fn: () => Promise<T>): Promise<T> {
  while (collecting) await collecting.catch(() => undefined);
  const lock = new AsyncLock(layout.lockFile(CONTENT_SCOPE));
  leases++;
  try {
    await lock.acquire('shared');
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
    const lock = new AsyncLock(layout.lockFile(CONTENT_SCOPE));
    if (!(await lock.acquire('exclusive', opts.onWait, opts.ifIdle === true))) return undefined;
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
