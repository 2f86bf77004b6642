// Unpacks one layer tar into a directory, treating the archive as hostile, and converts OCI whiteouts to the
// form overlayfs reads. Decisions (see docs/images-and-layers.md):
//  - names: cleaned lexically; ".." above the root is refused; parents are resolved with symlinks followed but
//    confined to the root (securejoin); the entry's own name is never followed — whatever is there is replaced.
//  - later entries win, as in docker: an existing file, symlink or directory is removed first (a directory
//    replacing a directory keeps its contents and only takes the new metadata).
//  - hardlinks: the target must already exist in the layer (resolved like any other path); a symlink target is
//    linked as the symlink itself (link(2) does not follow), so nothing outside the root is ever reached.
//  - devices: only char 0:0 (overlay's own whiteout) is created; other char/block devices are skipped with a
//    debug line — a container's /dev comes from the runtime, and a device node in an image is a way to the host.
//  - xattrs from the archive are applied except trusted.overlay.* (those steer overlayfs: opaque, redirect,
//    metacopy) which only our own whiteout conversion may set.
//  - files are created with O_EXCL|O_NOFOLLOW after removal, so data is never written through an existing inode.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeError, InternalError, MydockerError, InvalidArgumentError } from '../errors/errors';
import type { Logger } from '../log/log';
import { sys } from '../sys/native';
import { cleanArchivePath, isWithin, resolveDirInRoot } from './secure-path';
import { TarReader, type TarReadSummary, type TarSource } from './tar-reader';
import type { TarEntry, TarHeader } from './tar-reader';

export interface ExtractOptions {
  log?: Logger;
  /** Every raw input chunk, before decompression (for storing the blob while extracting). */
  onRaw?: (chunk: Buffer) => void;
}

export interface ExtractResult extends TarReadSummary {
  /** Archive members read (metadata entries not counted). */
  entries: number;
  /** Bytes of regular file data written: the layer's size as docker counts it. */
  contentSize: number;
  /** Archive paths not created (device nodes). */
  skipped: string[];
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';
const S_IFCHR = 0o020000;
const S_IFIFO = 0o010000;

export async function extractLayer(source: TarSource, target: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const root = fs.realpathSync(target);
  if (!fs.statSync(root).isDirectory()) throw new InvalidArgumentError(`extract target ${target} is not a directory`);
  const ctx: Ctx = {
    root,
    log: opts.log,
    asRoot: process.getuid?.() === 0,
    dirTimes: [],
    skipped: [],
    contentSize: 0,
  };
  const reader = new TarReader(source, opts.onRaw ? { onRaw: opts.onRaw } : {});
  let entries = 0;
  for await (const entry of reader) {
    entries++;
    try {
      await applyEntry(ctx, entry);
    } catch (err) {
      if (err instanceof MydockerError) throw err;
      throw new InternalError(`failed to extract ${entry.header.path} into ${root}: ${describeError(err)}`, { cause: err });
    }
  }
  // Directory times last, deepest first: creating entries inside a directory changes its mtime.
  for (const { p, mtime } of ctx.dirTimes.reverse()) {
    const st = lstatOrUndefined(p);
    if (st?.isDirectory()) fs.lutimesSync(p, mtime, mtime);
  }
  return { ...reader.result, entries, contentSize: ctx.contentSize, skipped: ctx.skipped };
}

interface Ctx {
  root: string;
  log: Logger | undefined;
  asRoot: boolean;
  dirTimes: { p: string; mtime: number }[];
  skipped: string[];
  contentSize: number;
}

function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid tar archive: ${message}`);
}

async function applyEntry(ctx: Ctx, entry: TarEntry): Promise<void> {
  const h = entry.header;
  const parts = cleanArchivePath(h.path);
  if (parts.length === 0) {
    if (h.type !== 'dir') throw invalid(`entry ${JSON.stringify(h.path)} (${h.type}) would replace the layer root`);
    applyMetadata(ctx, ctx.root, h);
    return;
  }
  const base = parts[parts.length - 1];
  const parent = resolveDirInRoot(ctx.root, parts.slice(0, -1), { create: true, entry: h.path });

  if (base.startsWith(WHITEOUT_PREFIX)) {
    if (base === OPAQUE) {
      sys().lsetxattr(parent, 'trusted.overlay.opaque', Buffer.from('y'));
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
      ctx.log?.debug('archive', 'skipping aufs metadata entry', { path: h.path });
      return;
    }
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === '' || name === '.' || name === '..') throw invalid(`bad whiteout ${JSON.stringify(h.path)}`);
    const dst = path.join(parent, name);
    removeExisting(dst);
    sys().mknod(dst, S_IFCHR, 0, 0);
    return;
  }

  const dst = path.join(parent, base);
  switch (h.type) {
    case 'dir': {
      if (!lstatOrUndefined(dst)?.isDirectory()) {
        removeExisting(dst);
        fs.mkdirSync(dst, 0o700);
      }
      break;
    }
    case 'file': {
      removeExisting(dst);
      await writeFile(dst, entry);
      ctx.contentSize += h.size;
      break;
    }
    case 'symlink': {
      if (h.linkpath === '') throw invalid(`symlink ${h.path} has an empty target`);
      removeExisting(dst);
      fs.symlinkSync(h.linkpath, dst);
      break;
    }
    case 'hardlink': {
      createHardlink(ctx, h, dst);
      return; // the link shares the target's inode and metadata
    }
    case 'char':
    case 'block': {
      if (h.type === 'char' && h.devmajor === 0 && h.devminor === 0) {
        removeExisting(dst);
        sys().mknod(dst, S_IFCHR, 0, 0);
        return;
      }
      ctx.skipped.push(h.path);
      ctx.log?.debug('archive', 'skipping device node from layer', { path: h.path, type: h.type, major: h.devmajor, minor: h.devminor });
      return;
    }
    case 'fifo': {
      removeExisting(dst);
      sys().mknod(dst, S_IFIFO | 0o600, 0, 0);
      break;
    }
  }
  applyMetadata(ctx, dst, h);
}

function createHardlink(ctx: Ctx, h: TarHeader, dst: string): void {
  const tparts = cleanArchivePath(h.linkpath);
  if (tparts.length === 0) throw invalid(`hardlink ${h.path} points at the layer root`);
  const tparent = resolveDirInRoot(ctx.root, tparts.slice(0, -1), { create: false, entry: h.path });
  const tpath = tparent === undefined ? undefined : path.join(tparent, tparts[tparts.length - 1]);
  const st = tpath === undefined ? undefined : lstatOrUndefined(tpath);
  if (!st || tpath === undefined) throw invalid(`hardlink ${h.path} points at ${h.linkpath}, which is not in the layer`);
  if (st.isDirectory()) throw invalid(`hardlink ${h.path} points at the directory ${h.linkpath}`);
  if (tpath === dst) return; // a link to itself: nothing to do
  if (isWithin(dst, tpath)) throw invalid(`hardlink ${h.path} would replace its own target ${h.linkpath}`);
  removeExisting(dst);
  fs.linkSync(tpath, dst);
}

async function writeFile(dst: string, entry: TarEntry): Promise<void> {
  const c = fs.constants;
  const fd = fs.openSync(dst, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
  try {
    for await (const chunk of entry.body) {
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function applyMetadata(ctx: Ctx, p: string, h: TarHeader): void {
  // chown first: it clears setuid/setgid bits and file capabilities, which chmod and the xattrs then set.
  if (ctx.asRoot) fs.lchownSync(p, h.uid, h.gid);
  if (h.type !== 'symlink') fs.chmodSync(p, h.mode);
  for (const [name, value] of Object.entries(h.xattrs)) {
    if (name.startsWith('trusted.overlay.')) {
      ctx.log?.debug('archive', 'ignoring overlay xattr from layer', { path: h.path, xattr: name });
      continue;
    }
    try {
      sys().lsetxattr(p, name, value);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EPERM') throw err;
      ctx.log?.debug('archive', 'xattr not applied', { path: h.path, xattr: name, error: code });
    }
  }
  if (h.type === 'dir') ctx.dirTimes.push({ p, mtime: h.mtime });
  else fs.lutimesSync(p, h.mtime, h.mtime);
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes whatever is at p without following it (a directory goes with its contents). */
function removeExisting(p: string): void {
  const st = lstatOrUndefined(p);
  if (!st) return;
  if (st.isDirectory()) fs.rmSync(p, { recursive: true, force: true });
  else fs.unlinkSync(p);
}
