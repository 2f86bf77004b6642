// A directory tree reached through file descriptors. A container's root is opened once; a path in it
// is resolved by the kernel in one openat2(RESOLVE_IN_ROOT) call, so a symlink or ".." that the
// container plants (or swaps in while we walk: CVE-2018-15664) is re-anchored at its root instead of
// the host's. Below that, every step is one name relative to a directory fd and never follows a
// symlink, so no path string from inside the container is ever resolved from the host's root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';
import { sys } from '../sys/native';

// open(2) flags Node does not name, and the openat2/*at flags (linux/openat2.h, linux/fcntl.h).
export const O_PATH = 0o10000000;
const RESOLVE_NO_MAGICLINKS = 0x02;
const RESOLVE_NO_SYMLINKS = 0x04;
const RESOLVE_BENEATH = 0x08;
const RESOLVE_IN_ROOT = 0x10;
const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;

/** One name below a directory: a child step can never climb out or walk through a link. */
const CHILD = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

export class RootFd {
  private constructor(
    /** The root's O_PATH fd, or AT_FDCWD for the host. */
    private readonly fd: number,
    private readonly resolveFlags: number,
    /** A container's root (ours to close), not the host's. */
    private readonly confined: boolean,
  ) {}

  /** A container's root (its rootfs, or /proc/<pid>/root): every path below is confined to it. */
  static open(dir: string): RootFd {
    const fd = sys().openat2(AT_FDCWD, dir, O_PATH | fs.constants.O_DIRECTORY, 0, 0);
    return new RootFd(fd, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, true);
  }

  /** The host's own tree: the caller's paths, resolved by the kernel as usual (they are trusted). */
  static host(): RootFd {
    return new RootFd(AT_FDCWD, 0, false);
  }

  /** A path as written by the user, made absolute: container paths start at its root, host paths at the cwd. */
  absolute(p: string): string {
    return this.confined ? path.posix.resolve('/', p) : path.resolve(p);
  }

  /** Opens an absolute path, following symlinks (the final one too unless O_NOFOLLOW is given). */
  resolve(p: string, flags: number, mode = 0): number {
    if (!path.posix.isAbsolute(p)) throw new InvalidArgumentError(`path ${p} is not absolute`);
    return sys().openat2(this.fd, p, flags, mode, this.resolveFlags);
  }

  close(): void {
    if (this.confined) fs.closeSync(this.fd);
  }
}

/**
 * A regular file inside a root, read through one confined open: a container's /etc/passwd that is a
 * link (planted or swapped in) can never make us read a host file. Undefined when it is missing or
 * not a regular file.
 */
export function readFileInRoot(root: string, file: string): string | undefined {
  let rootFd: RootFd | undefined;
  let fd: number | undefined;
  try {
    rootFd = RootFd.open(root);
    fd = rootFd.resolve(path.posix.resolve('/', file), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    return fs.fstatSync(fd).isFile() ? fs.readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    rootFd?.close();
  }
}

function checkName(name: string): string {
  if (!name || name === '.' || name === '..' || name.includes('/')) throw new InvalidArgumentError(`"${name}" is not a file name`);
  return name;
}

/** Opens one entry of a directory fd; a symlink there fails with ELOOP unless O_PATH|O_NOFOLLOW asks for the link itself. */
export function openChild(dirFd: number, name: string, flags: number, mode = 0): number {
  return sys().openat2(dirFd, checkName(name), flags, mode, CHILD);
}

/** lstat of one entry, or undefined when there is none. */
export function statChild(dirFd: number, name: string): fs.Stats | undefined {
  let fd: number;
  try {
    fd = openChild(dirFd, name, O_PATH | fs.constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return withFd(fd, () => fs.fstatSync(fd));
}

/**
 * A readable (or writable) fd for the very inode an O_PATH fd holds, through its /proc/self/fd link.
 * Only for an fd whose type was checked: opening a fifo would block, a device could act.
 */
export function reopen(fd: number, flags: number): number {
  return fs.openSync(`/proc/self/fd/${fd}`, flags);
}

/** The names in a directory fd (Node has no fdopendir; the /proc/self/fd link is that very directory). */
export function listDir(dirFd: number): string[] {
  return fs.readdirSync(`/proc/self/fd/${dirFd}`);
}

export function mkdirChild(dirFd: number, name: string, mode: number): void {
  sys().mkdirat(dirFd, checkName(name), mode);
}

export function symlinkChild(target: string, dirFd: number, name: string): void {
  sys().symlinkat(target, dirFd, checkName(name));
}

/** The target of the symlink an O_PATH|O_NOFOLLOW fd refers to. */
export function readLink(linkFd: number): string {
  return sys().readlinkat(linkFd, '');
}

export function unlinkChild(dirFd: number, name: string): void {
  sys().unlinkat(dirFd, checkName(name), 0);
}

/** chown and utimes of a symlink itself (Node has neither on fds). */
export function chownLink(dirFd: number, name: string, uid: number, gid: number): void {
  sys().fchownat(dirFd, checkName(name), uid, gid, AT_SYMLINK_NOFOLLOW);
}

export function utimesLink(dirFd: number, name: string, atime: number, mtime: number): void {
  sys().utimensat(dirFd, checkName(name), atime, mtime, AT_SYMLINK_NOFOLLOW);
}

/** Runs fn and closes fd after it, whatever happens. */
export function withFd<T>(fd: number, fn: (fd: number) => T): T {
  try {
    return fn(fd);
  } finally {
    fs.closeSync(fd);
  }
}
