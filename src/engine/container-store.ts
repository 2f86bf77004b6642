// Container records on disk: <root>/containers/<id>/container.json (what the container is) and
// exit.json (how it ended). Names are symlinks <root>/names/<name> → id: symlink(2) is atomic,
// so two `run --name x` at once cannot both win.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConflictError, InternalError, InvalidArgumentError, NotFoundError } from '../errors/errors';
import { isMountpoint } from '../storage/overlay';
import { readJsonIfExists, writeJsonAtomic } from '../store/atomic';
import type { IdMappings } from './security/userns';
import type { Layout } from '../store/layout';
import type { ContainerConfig, HostConfig } from './container-config';
import type { ResolvedResources } from './resources';
import type { MountPoint } from './container-mounts';
import type { ContainerNetworkConfig, NetworkSettings } from '../network/settings';
import { randomBytesSync } from '../sys/random';

export interface ContainerRecord {
  schemaVersion: 1;
  id: string;
  name: string;
  created: string;
  path: string;
  args: string[];
  image: string;
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** Unpacked image layers, bottom first: the overlay's lower dirs. */
  lowerDirs: string[];
  /** Resource limits as resolved at create time (cgroup resources, rlimits, cgroup parent). */
  limits: ResolvedResources;
  /** Volumes, binds and tmpfs mounts, resolved at create time. */
  mounts: MountPoint[];
  /** The network flags as resolved at create time (mode, networks with aliases and --ip, -p, --expose, -P). */
  network?: ContainerNetworkConfig;
  /** docker's NetworkSettings, kept current by the networking code. */
  networkSettings?: NetworkSettings;
  /** The user namespace's id maps (--userns=auto, --uidmap): fixed at create, the same at every start. */
  idMappings?: IdMappings;
}

export function newContainerId(): string {
  for (;;) {
    const id = randomBytesSync(32).toString('hex');
    // docker avoids all-digit short ids: they read like numbers, not names.
    if (!/^\d{12}/.test(id)) return id;
  }
}

const ADJECTIVES = ['admiring', 'brave', 'clever', 'dreamy', 'eager', 'focused', 'gentle', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'quirky', 'serene', 'vibrant'];
const SCIENTISTS = ['babbage', 'curie', 'dijkstra', 'einstein', 'feynman', 'hopper', 'kepler', 'lovelace', 'noether', 'pasteur', 'ritchie', 'shannon', 'thompson', 'turing', 'wozniak', 'yonath'];

export function randomName(): string {
  const [i, j] = randomBytesSync(2);
  const pick = <T>(a: T[], r: number) => a[r % a.length];
  return `${pick(ADJECTIVES, i)}_${pick(SCIENTISTS, j)}`;
}

export class ContainerStore {
  constructor(private readonly layout: Layout) {}

  dir(id: string): string {
    return this.layout.containerDir(id);
  }

  /** Creates the container's directory and record; mkdir without -p is the "already exists" check. */
  create(record: ContainerRecord): string {
    fs.mkdirSync(this.layout.containersDir, { recursive: true, mode: 0o700 });
    // The directory appears with its record already inside (rename), so a crash never leaves a
    // container directory without a container.json; only a ".creating-" directory, swept later.
    const dir = this.dir(record.id);
    const staging = path.join(this.layout.containersDir, `.creating-${record.id}`);
    fs.mkdirSync(staging, { mode: 0o700 });
    // an --rm container is not meant to outlive a crash: its record need not reach the disk first (one fsync less)
    writeJsonAtomic(path.join(staging, 'container.json'), record, { durable: !record.hostConfig.AutoRemove });
    fs.renameSync(staging, dir);
    return dir;
  }

  /**
   * The one writer of an existing container.json: read, change, write atomically. The caller holds
   * the container's lock. Undefined when the container is gone.
   */
  update(id: string, fn: (r: ContainerRecord) => void, opts: { durable?: boolean } = {}): ContainerRecord | undefined {
    const file = path.join(this.dir(id), 'container.json');
    const r = readJsonIfExists<ContainerRecord>(file);
    if (!r) return undefined;
    fn(r);
    writeJsonAtomic(file, r, { durable: opts.durable ?? true });
    return r;
  }

  /** Staging directories of creates that died half-way (their container lock is free). */
  abandonedCreates(isLocked: (id: string) => boolean): string[] {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.layout.containersDir);
    } catch {
      return [];
    }
    return entries
      .filter((e) => e.startsWith('.creating-') && !isLocked(e.slice('.creating-'.length)))
      .map((e) => path.join(this.layout.containersDir, e));
  }

  load(id: string): ContainerRecord | undefined {
    return readJsonIfExists<ContainerRecord>(path.join(this.dir(id), 'container.json'));
  }

  list(): ContainerRecord[] {
    let ids: string[];
    try {
      ids = fs.readdirSync(this.layout.containersDir);
    } catch {
      return [];
    }
    return ids.flatMap((id) => {
      const r = /^[a-f0-9]{64}$/.test(id) ? this.load(id) : undefined;
      return r ? [r] : [];
    });
  }

  /** Atomically claims a name for id; a name left by a container that no longer exists is reclaimed. */
  reserveName(name: string, id: string): string {
    fs.mkdirSync(this.layout.namesDir, { recursive: true, mode: 0o700 });
    const file = this.layout.nameFile(name);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.symlinkSync(id, file);
        return file;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = this.nameOwner(name);
      if (owner && fs.existsSync(this.dir(owner))) {
        throw new ConflictError(
          `the container name "/${name}" is already in use by container "${owner}"`,
          { hint: 'you have to remove (or rename) that container to be able to reuse that name' },
        );
      }
      fs.rmSync(file, { force: true }); // stale: its container is gone
    }
    throw new ConflictError(`the container name "/${name}" is being claimed by another process`);
  }

  nameOwner(name: string): string | undefined {
    try {
      return fs.readlinkSync(this.layout.nameFile(name));
    } catch {
      return undefined;
    }
  }

  /** Frees the name only if it still points at id. */
  releaseName(name: string, id: string): void {
    if (this.nameOwner(name) === id) fs.rmSync(this.layout.nameFile(name), { force: true });
  }

  /** A name, a full id, or a unique id prefix. */
  resolve(ref: string): ContainerRecord {
    if (ref === '') throw new InvalidArgumentError('container name or id must not be empty');
    const byName = NAME_OK.test(ref) ? this.nameOwner(ref) : undefined;
    if (byName) {
      const r = this.load(byName);
      if (r) return r;
    }
    if (/^[a-f0-9]+$/.test(ref)) {
      if (ref.length === 64) {
        const r = this.load(ref);
        if (r) return r;
      }
      const matches = this.list().filter((r) => r.id.startsWith(ref));
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) throw new InvalidArgumentError(`multiple containers match the prefix ${ref}: use more characters`);
    }
    throw new NotFoundError(`no such container: ${ref}`);
  }

  remove(record: ContainerRecord): void {
    // A recursive delete must never walk into a still-mounted rootfs (it would delete image files).
    if (isMountpoint(path.join(this.dir(record.id), 'rootfs'))) {
      throw new InternalError(`container ${record.id} still has its rootfs mounted`);
    }
    this.releaseName(record.name, record.id);
    fs.rmSync(this.dir(record.id), { recursive: true, force: true });
  }
}

const NAME_OK = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
