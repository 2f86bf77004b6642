// docker export: a container's merged filesystem as a tar stream. Also the directory walker that turns a tree
// into tar entries, which commit uses on the overlay upper dir (whiteouts and opaque dirs become OCI entries).
//
// A running container's rootfs is its overlay mounted in the host's namespace: it is read live (docker does the
// same). A stopped one is mounted read-only for the export alone: overlayfs with the container's upper dir as the
// top *lower* layer and no upper at all, at a private mountpoint under the runroot, unmounted in finally. Nothing
// is written to the container's upper or work dirs, so a later start never finds them in use. A mountpoint left by
// a killed export is detached by the next export (its owner pid and start time are in the name).
// The container's lock is held throughout: it cannot be started, removed or cleaned up meanwhile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitDev } from '../sys/dev-numbers';
import { pipeline } from 'node:stream/promises';
import { randomBytesSync } from '../sys/random';
import type { TarInput, TarWriteEntry } from '../archive/tar-writer';
import { tarStream } from '../archive/tar-writer';
import { FailedPreconditionError, InternalError } from '../errors/errors';
import { processStartTime } from '../image/tmp';
import type { Logger } from '../log/log';
import { isMountpoint, unmountOverlay } from '../storage/overlay';
import type { Layout } from '../store/layout';
import { MNT_DETACH, sys } from '../sys/native';
import { lockContainer, store, viewContainer, type EngineDeps } from './lifecycle/context';
import { containerId, mountContainerRootfs } from './lifecycle/rootfs';
import type { ContainerRecord } from './container-store';

const MS_RDONLY = 1;
const OPAQUE = '.wh..wh..opq';
const WHITEOUT = '.wh.';
const CHUNK = 256 * 1024;

export interface TreeWalkOptions {
  /** The tree is an overlayfs upper dir: whiteouts (char 0:0) and opaque dirs become OCI whiteout entries. */
  overlayUpper?: boolean;
  /** Archive paths (relative, no leading slash) left out together with everything below them. */
  exclude?: ReadonlySet<string>;
  log?: Logger;
  /** Host ids → the ids the archive records (a user-namespaced container's files hold host ids on disk). */
  ids?: { uid(id: number): number; gid(id: number): number };
}

function devNumbers(rdev: number): { devmajor: number; devminor: number } {
  const { major, minor } = splitDev(rdev);
  return { devmajor: major, devminor: minor };
}

function xattrsOf(p: string): Record<string, Buffer> | undefined {
  let names: string[];
  try {
    names = sys().llistxattr(p);
  } catch {
    return undefined;
  }
  const out: Record<string, Buffer> = {};
  for (const name of names.sort()) {
    if (name.startsWith('trusted.overlay.')) continue; // overlayfs' own bookkeeping, never content
    try {
      const v = sys().lgetxattr(p, name);
      if (v) out[name] = v;
    } catch {
      // gone meanwhile
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function overlayXattr(p: string, name: string): string | undefined {
  try {
    return sys().lgetxattr(p, `trusted.overlay.${name}`)?.toString('utf8');
  } catch {
    return undefined;
  }
}

/** Exactly size bytes of the file: a file that shrank while read (a live export) is padded with zeros. */
async function* fileBody(p: string, size: number): AsyncGenerator<Buffer> {
  const fh = await fs.promises.open(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    let left = size;
    while (left > 0) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        yield Buffer.alloc(left);
        return;
      }
      left -= bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Tar entries for everything below root (root itself not included), directories first, names sorted. */
export async function* treeEntries(root: string, opts: TreeWalkOptions = {}): AsyncGenerator<TarInput> {
  const links = new Map<string, string>();
  const rootDev = fs.lstatSync(root).dev;
  const stack: string[] = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    const dir = path.join(root, rel);
    const subdirs: string[] = [];
    for (const name of fs.readdirSync(dir).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (opts.exclude?.has(childRel)) continue;
      const p = path.join(root, childRel);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        continue; // removed while walking a live tree
      }
      const [uid, gid] = opts.ids ? [opts.ids.uid(st.uid), opts.ids.gid(st.gid)] : [st.uid, st.gid];
      const base: TarWriteEntry = { path: childRel, type: 'file', mode: st.mode & 0o7777, uid, gid, mtime: Math.floor(st.mtimeMs / 1000) };
      const xattrs = xattrsOf(p);
      if (xattrs) base.xattrs = xattrs;
      if (st.isDirectory()) {
        if (opts.overlayUpper && overlayXattr(p, 'redirect') !== undefined) throw redirectError(childRel);
        yield { entry: { ...base, type: 'dir' } };
        if (opts.overlayUpper && overlayXattr(p, 'opaque') === 'y') {
          yield { entry: { path: `${childRel}/${OPAQUE}`, type: 'file', mode: 0o600, uid, gid, mtime: base.mtime } };
        }
        if (st.dev === rootDev) subdirs.push(childRel); // a mount below the root is not part of the container's tree
        continue;
      }
      if (st.isCharacterDevice() && st.rdev === 0 && opts.overlayUpper) {
        yield { entry: { path: rel ? `${rel}/${WHITEOUT}${name}` : `${WHITEOUT}${name}`, type: 'file', mode: 0o600, uid, gid, mtime: base.mtime } };
        continue;
      }
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) {
        const first = links.get(key);
        if (first !== undefined) {
          yield { entry: { ...base, type: 'hardlink', linkpath: first } };
          continue;
        }
        links.set(key, childRel);
      }
      if (st.isFile()) {
        if (opts.overlayUpper && overlayXattr(p, 'metacopy') !== undefined) throw redirectError(childRel);
        yield { entry: { ...base, type: 'file', size: st.size }, body: fileBody(p, st.size) };
      } else if (st.isSymbolicLink()) {
        yield { entry: { ...base, type: 'symlink', linkpath: fs.readlinkSync(p) } };
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        yield { entry: { ...base, type: st.isCharacterDevice() ? 'char' : 'block', ...devNumbers(st.rdev) } };
      } else if (st.isFIFO()) {
        yield { entry: { ...base, type: 'fifo' } };
      } else {
        opts.log?.debug('archive', 'skipping a socket', { path: childRel }); // docker leaves sockets out too
      }
    }
    for (const d of subdirs.reverse()) stack.push(d); // popped in name order
  }
}

function redirectError(rel: string): FailedPreconditionError {
  return new FailedPreconditionError(`cannot read the container's changes: /${rel} uses overlayfs redirect_dir or metacopy`, {
    hint: 'mount overlayfs without them (redirect_dir=off, metacopy=off, the kernel defaults) to commit containers',
  });
}

function exportMountsDir(layout: Layout): string {
  return path.join(layout.runroot, 'mnt');
}

/** Detaches and removes mountpoints left by exports whose process is gone. */
function sweepExportMounts(layout: Layout, log: Logger): void {
  let names: string[];
  try {
    names = fs.readdirSync(exportMountsDir(layout));
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^export-(\d+)-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || processStartTime(Number(m[1])) === m[2]) continue;
    const p = path.join(exportMountsDir(layout), name);
    try {
      if (isMountpoint(p)) sys().umount2(p, MNT_DETACH);
      fs.rmdirSync(p);
      log.debug('engine', 'removed a leftover export mountpoint', { path: p });
    } catch (err) {
      log.warn('engine', 'could not remove a leftover export mountpoint', { path: p, error: (err as Error).message });
    }
  }
}

function escapeOverlayPath(p: string): string {
  return p.replace(/[\\:,]/g, (c) => `\\${c}`);
}

/** The container's filesystem, read-only, at a fresh private mountpoint; the caller unmounts it. */
function mountReadOnlyView(deps: EngineDeps, upper: string, lowerDirs: string[]): string {
  const dir = exportMountsDir(deps.layout);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  sweepExportMounts(deps.layout, deps.log);
  const target = path.join(dir, `export-${process.pid}-${processStartTime('self') ?? '0'}-${randomBytesSync(4).toString('hex')}`);
  fs.mkdirSync(target, 0o700);
  fs.mkdirSync(upper, { recursive: true, mode: 0o755 }); // a container never started has none yet
  const lower = [upper, ...[...lowerDirs].reverse()].map(escapeOverlayPath).join(':');
  try {
    sys().mount('overlay', target, 'overlay', MS_RDONLY, `lowerdir=${lower}`);
  } catch (err) {
    fs.rmdirSync(target);
    throw new InternalError(`failed to mount the container's filesystem read-only on ${target}: ${(err as Error).message}`, { cause: err });
  }
  deps.log.step('storage', 'overlay-mount', { target, lower: lowerDirs.map((d) => path.basename(path.dirname(d))).join(', '), upper: `${upper} (as a read-only layer)`, work: 'none' });
  return target;
}

/** Streams the container's filesystem as a tar to out (left open). */
export async function exportContainer(deps: EngineDeps, ref: string, out: NodeJS.WritableStream): Promise<void> {
  const record = store(deps).resolve(ref);
  await lockContainer(deps, record.id, async () => {
    const { paths } = viewContainer(deps, record);
    const ids = containerIds(record);
    if (isMountpoint(paths.rootfs)) {
      await pipeline(tarStream(treeEntries(paths.rootfs, { log: deps.log, ids })), out, { end: false });
      return;
    }
    if (record.idMappings) {
      // Its layers hold image ids and its upper dir host ids: only its own mount shows one consistent view.
      await mountContainerRootfs(deps, record, { upper: paths.upper, work: paths.work, target: paths.rootfs });
      try {
        await pipeline(tarStream(treeEntries(paths.rootfs, { log: deps.log, ids })), out, { end: false });
      } finally {
        unmountOverlay(paths.rootfs, deps.log);
      }
      return;
    }
    if (!record.lowerDirs?.length) throw new InternalError(`container ${record.name} has no image layers`);
    const target = mountReadOnlyView(deps, paths.upper, record.lowerDirs);
    try {
      await pipeline(tarStream(treeEntries(target, { log: deps.log })), out, { end: false });
    } finally {
      unmountOverlay(target, deps.log);
      fs.rmdirSync(target);
    }
  });
}

/** How a user-namespaced container's host ids read back as its own ids (undefined: no user namespace). */
export function containerIds(record: ContainerRecord): TreeWalkOptions['ids'] {
  const maps = record.idMappings;
  return maps && { uid: (id) => containerId(maps, 'uid', id), gid: (id) => containerId(maps, 'gid', id) };
}

