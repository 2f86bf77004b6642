// Every path the engine uses comes from one Layout, so tests and users can keep separate stores.
import * as path from 'node:path';

export interface LayoutOptions {
  /** Persistent data: images, layers, volumes, container records. */
  root?: string;
  /** Runtime state: pids, sockets, locks. Lost at reboot by design. */
  runroot?: string;
}

export class Layout {
  readonly root: string;
  readonly runroot: string;

  constructor(opts: LayoutOptions = {}) {
    this.root = path.resolve(opts.root ?? process.env.MYDOCKER_ROOT ?? '/var/lib/mydocker');
    this.runroot = path.resolve(opts.runroot ?? process.env.MYDOCKER_RUNROOT ?? '/run/mydocker');
  }

  /** Staging area on the same filesystem as the store, so finished work moves in with rename(2). */
  get tmpDir(): string { return path.join(this.root, 'tmp'); }

  // images and layers (src/image)
  get imagesDir(): string { return path.join(this.root, 'images'); }
  get blobsDir(): string { return path.join(this.imagesDir, 'blobs', 'sha256'); }
  blobPath(digest: string): string { return path.join(this.blobsDir, digestHex(digest)); }
  get repositoriesFile(): string { return path.join(this.imagesDir, 'repositories.json'); }
  get layersDir(): string { return path.join(this.root, 'layers'); }
  layerDir(diffId: string): string { return path.join(this.layersDir, digestHex(diffId)); }

  // containers (src/engine)
  get containersDir(): string { return path.join(this.root, 'containers'); }
  containerDir(id: string): string { return path.join(this.containersDir, id); }
  get namesDir(): string { return path.join(this.root, 'names'); }
  nameFile(name: string): string { return path.join(this.namesDir, name); }

  // runtime state (src/runtime)
  get runtimeDir(): string { return path.join(this.runroot, 'runtime'); }
  runtimeStateDir(id: string): string { return path.join(this.runtimeDir, id); }
  get locksDir(): string { return path.join(this.runroot, 'locks'); }
  /** Compiled seccomp filters, one per distinct profile (regenerated after a reboot). */
  get seccompCacheDir(): string { return path.join(this.runroot, 'seccomp'); }
  /** The pid of the pasta or slirp4netns process that networks a rootless container (src/network/pasta.ts). */
  userNetPidFile(id: string): string { return path.join(this.runroot, 'usernet', `${id}.pid`); }
  /** slirp4netns's API socket (short: unix socket paths have a 108-byte limit). */
  userNetSocket(id: string): string { return path.join(this.runroot, 'usernet', `${id.slice(0, 32)}.sock`); }
  lockFile(scope: string): string { return path.join(this.locksDir, `${scope}.lock`); }
}

export function digestHex(digest: string): string {
  const hex = digest.startsWith('sha256:') ? digest.slice(7) : digest;
  if (!/^[a-f0-9]{64}$/.test(hex)) throw new Error(`invalid digest ${digest}`);
  return hex;
}
