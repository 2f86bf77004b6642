// Loads the C core: sys.node (thread-safe syscalls Node lacks) and the nsexec binary path.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SysAddon {
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  /** Returns false when LOCK_NB was given and another holder has the lock. */
  flock(fd: number, operation: number): boolean;
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lgetxattr(path: string, name: string): Buffer | null;
  llistxattr(path: string): string[];
  /** Raw terminal mode (output processing off, like docker's CLI); returns the settings to restore. */
  makeRaw(fd: number): Buffer;
  restoreTermios(fd: number, saved: Buffer): void;
}

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;
export const MNT_DETACH = 2;

let packageRoot: string | undefined;

/** The directory holding package.json: the bundle (dist/) and tsc output (build/src/...) both live below it. */
export function findPackageRoot(): string {
  if (packageRoot) return packageRoot;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'native', 'Makefile'))) return (packageRoot = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the mydocker package above ${__dirname}`);
    dir = up;
  }
}

export function nativeDir(): string {
  return process.env.MYDOCKER_NATIVE_DIR ?? path.join(findPackageRoot(), 'native', 'build');
}

export function nsexecPath(): string {
  return path.join(nativeDir(), 'mydocker-nsexec');
}

let addon: SysAddon | undefined;

export function sys(): SysAddon {
  if (!addon) {
    const mod = { exports: {} as SysAddon };
    process.dlopen(mod, path.join(nativeDir(), 'sys.node'));
    addon = mod.exports;
  }
  return addon;
}
