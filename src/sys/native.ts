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
  /** openat2(2) with struct open_how {flags | O_CLOEXEC, mode, resolve}; returns the new fd. */
  openat2(dirFd: number, path: string, flags: number, mode: number, resolve: number): number;
  mkdirat(dirFd: number, name: string, mode: number): void;
  symlinkat(target: string, dirFd: number, name: string): void;
  /** name "" reads the link an O_PATH|O_NOFOLLOW fd refers to. */
  readlinkat(dirFd: number, name: string): string;
  fchownat(dirFd: number, name: string, uid: number, gid: number, flags: number): void;
  unlinkat(dirFd: number, name: string, flags: number): void;
  /** Times in seconds (fractions kept), as Node's futimes takes them. */
  utimensat(dirFd: number, name: string, atime: number, mtime: number, flags: number): void;
  /** Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (8-byte instructions) and attaches it to a cgroup2 directory. */
  attachDeviceFilter(cgroupDir: string, insns: Buffer): void;
  /** overlayfs over idmapped detached mounts of the layers (topmost first), attached at target. */
  mountOverlayIdmapped(lowerDirs: string[], upper: string, work: string, target: string, usernsFd: number): void;
  /** posix_spawn of a program that daemonizes and reports its daemon's pid on fd 4 (the monitor's -D);
   *  fds 3 and 4 are socket pairs, ours come back. The first process is the caller's to reap. */
  spawnDetached(file: string, argv: string[]): [firstPid: number, runtimeFd: number, statusFd: number];
  /** posix_spawn with pipes on 0-2 and exactly env ("K=V"); the child is the caller's to reap. */
  spawnPiped(file: string, argv: string[], env: string[]): [pid: number, stdinFd: number, stdoutFd: number, stderrFd: number];
  /** waitpid: the status, or -1 when noHang and the child still runs; for spawnDetached's and spawnPiped's children. */
  reap(pid: number, noHang: boolean): number;
  /** A new network namespace bind-mounted at file (which must exist); no process holds it. */
  newNetns(file: string): void;
  /** SHA-256 through the OpenSSL Node links, without loading Node's crypto module. */
  sha256Hex(data: Buffer): string;
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
