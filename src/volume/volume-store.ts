// Local volumes, in docker's layout: <root>/volumes/<name>/_data is what containers mount, and
// <root>/volumes/<name>/volume.json holds the facts (created, labels, anonymous).
// Creation is one rename(2) of a complete staging dir (volume.json + _data) under the per-volume lock
// "volume-<name>": the volume either exists whole or not at all, and two concurrent creates of one name
// both end up with the same volume. Removal renames the dir into the staging area first, so a crash
// half-way never leaves a half-deleted volume under volumes/.
import { randomBytesSync } from '../sys/random';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConflictError, InternalError, NotFoundError } from '../errors/errors';
import { stagingPath, sweepStaging } from '../image/tmp';
import type { Logger } from '../log/log';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { Layout } from '../store/layout';
import { withLock } from '../store/lock';
import { validateVolumeName } from './mount-spec';

/** docker marks volumes made for a mount without a name with this label. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export interface VolumeFile {
  schemaVersion: 1;
  name: string;
  /** RFC 3339, seconds. */
  createdAt: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  anonymous: boolean;
}

export interface Volume extends VolumeFile {
  /** The directory containers mount: <root>/volumes/<name>/_data. */
  mountpoint: string;
}

export interface CreateVolumeOptions {
  labels?: Record<string, string>;
  anonymous?: boolean;
}

export function volumesDir(layout: Layout): string {
  return path.join(layout.root, 'volumes');
}

export function newAnonymousName(): string {
  return randomBytesSync(32).toString('hex');
}

export class VolumeStore {
  constructor(private readonly layout: Layout, private readonly log: Logger) {}

  get dir(): string {
    return volumesDir(this.layout);
  }

  volumeDir(name: string): string {
    validateVolumeName(name);
    return path.join(this.dir, name);
  }

  dataDir(name: string): string {
    return path.join(this.volumeDir(name), '_data');
  }

  /** Runs fn holding the volume's lock (create, remove, seed). */
  withVolumeLock<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    validateVolumeName(name);
    return withLock(this.layout, `volume-${name}`, fn);
  }

  get(name: string): Volume | undefined {
    const file = readJsonIfExists<VolumeFile>(path.join(this.volumeDir(name), 'volume.json'));
    if (!file) return undefined;
    if (file.schemaVersion !== 1) throw new InternalError(`unsupported volume.json schema ${String(file.schemaVersion)} for volume ${name}`);
    return { ...file, mountpoint: this.dataDir(name) };
  }

  /** get, or NotFoundError("no such volume: x"). */
  load(name: string): Volume {
    const v = this.get(name);
    if (!v) throw new NotFoundError(`no such volume: ${name}`);
    return v;
  }

  list(): Volume[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names.sort().flatMap((n) => {
      try {
        const v = /^[a-zA-Z0-9]/.test(n) ? this.get(n) : undefined;
        return v ? [v] : [];
      } catch (err) {
        this.log.warn('volume', 'skipping an unreadable volume', { name: n, error: (err as Error).message });
        return [];
      }
    });
  }

  /** Creates the volume unless it exists; either way returns it. */
  async create(name: string, opts: CreateVolumeOptions = {}): Promise<{ volume: Volume; created: boolean }> {
    validateVolumeName(name);
    return this.withVolumeLock(name, () => this.createLocked(name, opts));
  }

  /** The caller holds the volume's lock. */
  createLocked(name: string, opts: CreateVolumeOptions = {}): { volume: Volume; created: boolean } {
    const existing = this.get(name);
    if (existing) return { volume: existing, created: false };
    const final = this.volumeDir(name);
    if (fs.existsSync(final)) {
      throw new InternalError(`volume directory ${final} exists without its volume.json`, { hint: 'move it away, or remove it if it holds nothing of value' });
    }
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.layout.tmpDir, { recursive: true, mode: 0o700 });
    sweepStaging(this.layout, this.log);
    const work = stagingPath(this.layout, 'volume');
    fs.mkdirSync(work, 0o700);
    try {
      fs.mkdirSync(path.join(work, '_data'), 0o755);
      const labels = { ...(opts.labels ?? {}), ...(opts.anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) };
      const file: VolumeFile = {
        schemaVersion: 1, name, createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), labels, options: {}, anonymous: opts.anonymous === true,
      };
      writeJsonAtomic(path.join(work, 'volume.json'), file);
      fs.renameSync(work, final);
      this.log.step('volume', 'volume-create', { name, path: final });
      return { volume: { ...file, mountpoint: this.dataDir(name) }, created: true };
    } catch (err) {
      fs.rmSync(work, { recursive: true, force: true });
      throw err;
    }
  }

  /** The caller holds the volume's lock and has checked that no container uses it. */
  removeLocked(name: string): void {
    const dir = this.volumeDir(name);
    if (!fs.existsSync(dir)) throw new NotFoundError(`no such volume: ${name}`);
    fs.mkdirSync(this.layout.tmpDir, { recursive: true, mode: 0o700 });
    const trash = stagingPath(this.layout, 'volrm');
    try {
      fs.renameSync(dir, trash);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EBUSY') throw new ConflictError(`remove ${name}: volume is in use (a mount point)`);
      throw err;
    }
    fs.rmSync(trash, { recursive: true, force: true });
    this.log.step('volume', 'volume-remove', { name, path: dir });
  }

  /**
   * The volume's data dir, checked to be a real directory inside the store (not a symlink anywhere on the way),
   * so a mount source can never leave <root>/volumes/<name>/_data.
   */
  checkedDataDir(name: string): string {
    const root = fs.realpathSync(this.dir);
    const expected = path.join(root, name, '_data');
    const data = this.dataDir(name);
    for (const p of [this.volumeDir(name), data]) {
      const st = fs.lstatSync(p);
      if (!st.isDirectory()) throw new InternalError(`volume ${name}: ${p} is not a directory`);
    }
    if (fs.realpathSync(data) !== expected) throw new InternalError(`volume ${name}: ${data} resolves outside its volume directory`);
    return expected;
  }
}
