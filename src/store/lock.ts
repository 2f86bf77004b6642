// Locks are flock(2) on a file under the runroot: the kernel drops them when the holder dies,
// so a killed CLI never leaves a stale lock behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Layout } from './layout';
import { LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, sys } from '../sys/native';

export class Lock {
  private fd: number | undefined;
  constructor(readonly file: string) {}

  /** Blocks until the lock is held. */
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

  /** Takes the lock if free; returns false when another process holds it. */
  tryAcquire(): boolean {
    if (this.fd !== undefined) return true;
    const fd = this.open();
    if (!sys().flock(fd, LOCK_EX | LOCK_NB)) {
      fs.closeSync(fd);
      return false;
    }
    this.fd = fd;
    return true;
  }

  // Node opens every fd close-on-exec, so a lock never leaks into a container.
  private open(): number {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    return fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
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
}

// flock(2) locks belong to an open file: a second acquire of the same scope from this process
// would block the event loop forever, so callers in one process queue here first.
const queues = new Map<string, Promise<void>>();

/** Runs fn with the named lock held (scopes: "container-<id>", "names", "images", ...). */
export async function withLock<T>(layout: Layout, scope: string, fn: () => Promise<T> | T): Promise<T> {
  const key = layout.lockFile(scope);
  const previous = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = previous.then(() => mine);
  queues.set(key, tail);
  await previous;
  const lock = new Lock(key);
  try {
    lock.acquire();
    return await fn();
  } finally {
    lock.release();
    release();
    if (queues.get(key) === tail) queues.delete(key);
  }
}
