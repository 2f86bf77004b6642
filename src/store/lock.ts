// Locks are flock(2) on a file under the runroot: the kernel drops them when the holder dies,
// so a killed CLI never leaves a stale lock behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Layout } from './layout';
import { LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, sys } from '../sys/native';

const POLL_MS = 25;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Lock {
  private fd: number | undefined;
  constructor(readonly file: string) {}

  /** Blocks (the whole process) until the lock is held: for short critical sections of the CLI. */
  acquire(shared = false): this {
    if (this.fd !== undefined) return this;
    const fd = this.open();
    try {
      sys().flock(fd, shared ? LOCK_SH : LOCK_EX);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    this.fd = fd;
    return this;
  }

  /** Takes the lock if free; returns false when another holder has it. */
  tryAcquire(shared = false): boolean {
    if (this.fd !== undefined) return true;
    const fd = this.open();
    if (!sys().flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
      fs.closeSync(fd);
      return false;
    }
    this.fd = fd;
    return true;
  }

  /**
   * Waits for the lock without blocking the event loop (polling every 25 ms), so other work of
   * this process goes on meanwhile; onWait is called once if someone else holds it. With tryOnly,
   * returns false instead of waiting.
   */
  async acquireAsync(mode: 'shared' | 'exclusive', onWait?: () => void, tryOnly = false): Promise<boolean> {
    let waited = false;
    while (!this.tryAcquire(mode === 'shared')) {
      if (tryOnly) return false;
      if (!waited) onWait?.();
      waited = true;
      await sleep(POLL_MS);
    }
    return true;
  }

  get held(): boolean {
    return this.fd !== undefined;
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

  /** Unlinks the lock file while still holding it, then releases (for one-shot locks like per-blob ones). */
  releaseAndRemove(): void {
    fs.rmSync(this.file, { force: true });
    this.release();
  }

  // Node opens every fd close-on-exec, so a lock never leaks into a container.
  private open(): number {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    return fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  }
}

// flock(2) locks belong to an open file: a second acquire of the same file from this process
// would block the event loop forever, so callers in one process queue here first.
const queues = new Map<string, Promise<void>>();

/** Runs fn holding the lock file exclusively (queued within this process first). */
export async function withLockFile<T>(file: string, fn: () => Promise<T> | T): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  queues.set(file, tail);
  await previous;
  const lock = new Lock(file);
  try {
    // never blocks the event loop: a service keeps answering while another process holds the lock
    await lock.acquireAsync('exclusive');
    return await fn();
  } finally {
    lock.release();
    release();
    if (queues.get(file) === tail) queues.delete(file);
  }
}

/** Runs fn with the named lock held (scopes: "container-<id>", "names", "images", ...). */
export function withLock<T>(layout: Layout, scope: string, fn: () => Promise<T> | T): Promise<T> {
  return withLockFile(layout.lockFile(scope), fn);
}
