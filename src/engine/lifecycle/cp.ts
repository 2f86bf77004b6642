// docker cp, both directions. The container side is walked through file descriptors (RootFd): its
// paths are resolved by the kernel inside the container's root, and each entry below is created or
// read relative to its parent's fd without following links, so neither a planted symlink nor one
// swapped in during the copy (CVE-2018-15664) can lead to a host file. A running container is
// reached through /proc/<pid>/root (so its volumes are seen), a stopped one through its rootfs,
// mounted for the copy under the container's lock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConflictError, InternalError, InvalidArgumentError, MydockerError, NotFoundError, describeError, isErrnoException,
} from '../../errors/errors';
import { processAlive } from '../../runtime/state';
import { isMountpoint, unmountOverlay } from '../../storage/overlay';
import {
  O_PATH, RootFd, chownLink, listDir, mkdirChild, openChild, readLink, reopen, statChild, symlinkChild, unlinkChild,
  utimesLink, withFd,
} from '../../storage/root-fd';
import type { ContainerRecord } from '../container-store';
import { lockContainer, store, viewContainer, type EngineDeps } from './context';
import { containerId, hostId, mountContainerRootfs } from './rootfs';

const { O_DIRECTORY, O_NOFOLLOW, O_RDONLY, O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
/** How many symlinks a destination may go through, as the kernel allows. */
const MAX_LINKS = 40;

export interface CpTarget { container?: string; path: string }

export interface CopyOptions {
  /** -a: keep the source's uid/gid instead of the destination's user. */
  archive?: boolean;
  /** -L: copy what a symlink at the source path points to, not the link. */
  followLink?: boolean;
}

/** Container ids ↔ host ids, uids and gids apart. */
export interface IdMap {
  toHost(kind: 'uid' | 'gid', id: number): number;
  toContainer(kind: 'uid' | 'gid', id: number): number;
}

/** Identity, or the container's user namespace (its root is e.g. 100000 outside); unmapped ids are nobody. */
export function idMapOf(record: ContainerRecord): IdMap {
  const maps = record.idMappings;
  if (!maps) return { toHost: (_kind, id) => id, toContainer: (_kind, id) => id };
  return { toHost: (kind, id) => hostId(maps, kind, id), toContainer: (kind, id) => containerId(maps, kind, id) };
}

/** "name:/path" is inside a container; anything else (or a path starting with / or .) is local. */
export function parseCpArg(arg: string): CpTarget {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  return i > 0 ? { container: arg.slice(0, i), path: arg.slice(i + 1) || '/' } : { path: arg };
}

/** One side of the copy: a tree, a path in it as the user wrote it, and words for messages. */
interface Side { root: RootFd; path: string; where: string }

interface Source { fd: number; st: fs.Stats; name: string; contentsOnly: boolean }
/** Copy into dirFd under the source's name, or (with name) create or replace that entry. */
interface Dest { dirFd: number; name?: string }

interface TreeCopy {
  /** The owner to give a copied entry; undefined leaves it to whoever creates it (the caller). */
  owner(st: fs.Stats): { uid: number; gid: number } | undefined;
  shown: string;
}

/** "dir/" and "dir/." must name a directory; "dir/." (or ".") means its contents. */
function trailing(p: string): { dirOnly: boolean; contentsOnly: boolean } {
  return { dirOnly: /(^|\/)\.?$/.test(p), contentsOnly: /(^|\/)\.$/.test(p) };
}

function errno(err: unknown): string | undefined {
  return isErrnoException(err) ? err.code : undefined;
}

/** Opens a directory named by the user; `what` names it in the errors. */
function openDir(side: Side, abs: string, what: string): number {
  try {
    return side.root.resolve(abs, O_PATH | O_DIRECTORY);
  } catch (err) {
    if (errno(err) === 'ENOENT') throw new NotFoundError(`could not find ${what} ${side.where}`);
    if (errno(err) === 'ENOTDIR') throw new InvalidArgumentError(`${what} ${side.where} is not a directory`);
    throw err;
  }
}

function openSource(side: Side, followLink: boolean): Source {
  const abs = side.root.absolute(side.path);
  const { dirOnly, contentsOnly } = trailing(side.path);
  const name = path.posix.basename(abs);
  let fd: number;
  try {
    // the last name's link is itself the source, unless -L (or "link/") asks for what it points to
    if (!name || followLink || dirOnly) fd = side.root.resolve(abs, O_PATH);
    else fd = withFd(side.root.resolve(path.posix.dirname(abs), O_PATH | O_DIRECTORY), (d) => openChild(d, name, O_PATH | O_NOFOLLOW));
  } catch (err) {
    if (errno(err) !== 'ENOENT' && errno(err) !== 'ENOTDIR') throw err;
    throw new NotFoundError(`could not find the file ${side.path} ${side.where}`);
  }
  const st = fs.fstatSync(fd);
  if (dirOnly && !st.isDirectory()) {
    fs.closeSync(fd);
    throw new InvalidArgumentError(`${side.path} ${side.where} is not a directory`);
  }
  return { fd, st, name, contentsOnly: contentsOnly || !name };
}

/** docker's rules for the destination; a symlink there is followed, but inside the same root. */
function openDest(side: Side, srcIsDir: boolean, shown = side.path, links = 0): Dest {
  const abs = side.root.absolute(side.path);
  const name = path.posix.basename(abs);
  if (!name || trailing(side.path).dirOnly) return { dirFd: openDir(side, abs, `the destination directory ${shown}`) };
  const dirFd = openDir(side, path.posix.dirname(abs), `the file ${path.posix.dirname(abs)}`);
  let keep = false;
  try {
    const st = statChild(dirFd, name);
    if (st?.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw new InvalidArgumentError(`too many levels of symbolic links in ${shown} ${side.where}`);
      const target = withFd(openChild(dirFd, name, O_PATH | O_NOFOLLOW), readLink);
      return openDest({ ...side, path: path.posix.resolve(path.posix.dirname(abs), target) }, srcIsDir, shown, links + 1);
    }
    if (st?.isDirectory()) return { dirFd: openChild(dirFd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW) };
    const where = `${shown} ${side.where}`;
    if (st && !st.isFile()) throw new InvalidArgumentError(`the destination ${where} must be a directory or a regular file`);
    if (st && srcIsDir) throw new InvalidArgumentError(`cannot copy a directory onto the file ${where}`);
    keep = true;
    return { dirFd, name };
  } finally {
    if (!keep) fs.closeSync(dirFd);
  }
}

/** Owner (if the copy sets one), then the mode with its setuid/setgid bits (chown clears them), then times. */
function applyMeta(fd: number, st: fs.Stats, copy: TreeCopy): void {
  const owner = copy.owner(st);
  if (owner) fs.fchownSync(fd, owner.uid, owner.gid);
  fs.fchmodSync(fd, st.mode & 0o7777);
  fs.futimesSync(fd, st.atimeMs / 1000, st.mtimeMs / 1000);
}

let buffer: Buffer | undefined;

function copyData(from: number, to: number): void {
  const buf = (buffer ??= Buffer.allocUnsafe(1 << 20));
  for (let n; (n = fs.readSync(from, buf, 0, buf.length, null)) > 0;) {
    for (let off = 0; off < n;) off += fs.writeSync(to, buf, off, n - off);
  }
}

// proc, sysfs, cgroup, cgroup2, devpts, mqueue: views of the kernel, not files. In a running container
// they are mounted below its root; docker (copying from the rootfs) sees them as empty directories.
const KERNEL_FS = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x1cd1, 0x19800202]);

function copyChildren(srcDir: number, dstDir: number, copy: TreeCopy): void {
  if (KERNEL_FS.has(fs.statfsSync(`/proc/self/fd/${srcDir}`).type)) return;
  for (const name of listDir(srcDir)) {
    withFd(openChild(srcDir, name, O_PATH | O_NOFOLLOW), (fd) => writeEntry(dstDir, name, fd, fs.fstatSync(fd), copy));
  }
}

/** Writes one source entry as `name` in dstDir: an existing non-directory is replaced, a directory merged. */
function writeEntry(dstDir: number, name: string, src: number, st: fs.Stats, copy: TreeCopy): void {
  if (!st.isFile() && !st.isDirectory() && !st.isSymbolicLink()) return; // devices, fifos and sockets are not copied
  const existing = statChild(dstDir, name);
  if (existing && existing.isDirectory() !== st.isDirectory()) {
    const what = existing.isDirectory() ? 'a directory with a non-directory' : 'a non-directory with a directory';
    throw new ConflictError(`cannot overwrite ${what}: ${name} in ${copy.shown}`);
  }
  if (existing && !existing.isDirectory()) unlinkChild(dstDir, name);
  if (st.isSymbolicLink()) {
    symlinkChild(readLink(src), dstDir, name);
    const owner = copy.owner(st);
    if (owner) chownLink(dstDir, name, owner.uid, owner.gid);
    utimesLink(dstDir, name, st.atimeMs / 1000, st.mtimeMs / 1000);
  } else if (st.isDirectory()) {
    if (!existing) mkdirChild(dstDir, name, 0o700);
    withFd(openChild(dstDir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW), (dir) => {
      copyChildren(src, dir, copy);
      applyMeta(dir, st, copy); // last: adding the children changed its mtime
    });
  } else {
    // O_EXCL: if something took the name since the unlink, fail rather than write through it
    withFd(openChild(dstDir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600), (out) => {
      withFd(reopen(src, O_RDONLY), (input) => copyData(input, out));
      applyMeta(out, st, copy);
    });
  }
}

function copyBetween(from: Side, to: Side, opts: CopyOptions, owner: TreeCopy['owner']): void {
  const src = openSource(from, !!opts.followLink);
  withFd(src.fd, () => {
    const dst = openDest(to, src.st.isDirectory());
    withFd(dst.dirFd, () => {
      const copy: TreeCopy = { owner, shown: `${to.path} ${to.where}` };
      try {
        if (dst.name !== undefined) writeEntry(dst.dirFd, dst.name, src.fd, src.st, copy);
        else if (src.st.isDirectory() && src.contentsOnly) copyChildren(src.fd, dst.dirFd, copy);
        else writeEntry(dst.dirFd, src.name, src.fd, src.st, copy);
      } catch (err) {
        if (err instanceof MydockerError || !isErrnoException(err)) throw err;
        throw new InternalError(`failed to copy ${from.path} to ${copy.shown}: ${describeError(err)}`, { cause: err });
      }
    });
  });
}

/** Runs fn on the root fd and closes it after. */
function inRoot<T>(dir: string, fn: (root: RootFd) => T): T {
  const root = RootFd.open(dir);
  try {
    return fn(root);
  } finally {
    root.close();
  }
}

async function withContainerRoot<T>(deps: EngineDeps, ref: string, fn: (root: RootFd, record: ContainerRecord) => T): Promise<T> {
  const record = store(deps).resolve(ref);
  return lockContainer(deps, record.id, async () => {
    const view = viewContainer(deps, record);
    const { state, paths: p } = view;
    if (state && (view.derived.status === 'running' || view.derived.status === 'paused')) {
      return inRoot(`/proc/${state.pid}/root`, (root) => {
        // the pid could have been reused between the status check and the open
        if (!processAlive(state.pid, state.pidStartTime)) throw new ConflictError(`container ${ref} has just stopped`);
        return fn(root, record);
      });
    }
    // still mounted (its exit not yet cleaned up): a second overlay on the same upper dir would be refused
    if (isMountpoint(p.rootfs)) return inRoot(p.rootfs, (root) => fn(root, record));
    // with a user namespace, its own mount (idmapped layers) is the one consistent view of its ids
    await mountContainerRootfs(deps, record, { upper: p.upper, work: p.work, target: p.rootfs });
    try {
      return inRoot(p.rootfs, (root) => fn(root, record));
    } finally {
      unmountOverlay(p.rootfs, deps.log);
    }
  });
}

/**
 * Ownership as docker documents it: copied into a container, entries belong to the container's root;
 * copied out, to the caller; with archive, the source's uid/gid is kept (seen from the container's side).
 */
export async function copyFiles(deps: EngineDeps, src: CpTarget, dst: CpTarget, opts: CopyOptions = {}): Promise<void> {
  if (src.container && dst.container) throw new InvalidArgumentError('copying between containers is not supported');
  const ref = src.container ?? dst.container;
  if (!ref) throw new InvalidArgumentError('must specify at least one container source');
  await withContainerRoot(deps, ref, (root, record) => {
    const ids = idMapOf(record);
    const host = { root: RootFd.host(), where: 'on the host' };
    const inContainer = { root, where: `in container ${ref}` };
    if (dst.container) {
      copyBetween({ ...host, path: src.path }, { ...inContainer, path: dst.path }, opts, (st) => ({
        uid: ids.toHost('uid', opts.archive ? st.uid : 0), gid: ids.toHost('gid', opts.archive ? st.gid : 0),
      }));
    } else {
      copyBetween({ ...inContainer, path: src.path }, { ...host, path: dst.path }, opts, (st) =>
        opts.archive ? { uid: ids.toContainer('uid', st.uid), gid: ids.toContainer('gid', st.gid) } : undefined);
    }
  });
}

/** What a path in a container is (docker's archive stat): lstat through the container's root, never following its last name. */
export async function statPath(deps: EngineDeps, ref: string, p: string): Promise<{ name: string; stats: fs.Stats; linkTarget: string }> {
  return withContainerRoot(deps, ref, (root) => {
    const src = openSource({ root, path: p, where: `in container ${ref}` }, false);
    return withFd(src.fd, () => ({ name: src.name, stats: src.st, linkTarget: src.st.isSymbolicLink() ? readLink(src.fd) : '' }));
  });
}
