// COPY/ADD → the entries of one layer tar, plus the content hash the cache key uses (names, modes, owners and
// bytes of everything copied). Destination rules as docker's: a trailing '/' or an existing directory means
// "into"; a directory source copies its contents; several sources need a directory destination.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { TarInput } from '../../archive/tar-writer';
import { TarReader } from '../../archive/tar-reader';
import { cleanArchivePath } from '../../archive/secure-path';
import { InvalidArgumentError } from '../../errors/errors';
import { readContextFile, type ContextEntry } from './context';
import { statInLayers } from './layers-tree';

export interface SourceTree {
  sources(src: string): ContextEntry[];
  walk(rel: string): ContextEntry[];
}

export interface CopyRequest {
  tree: SourceTree;
  srcs: string[];
  /** Inline sources (COPY <<name): name → content. */
  inline: { name: string; content: string }[];
  /** Absolute destination in the image (WORKDIR already applied), trailing '/' kept. */
  dest: string;
  owner?: { uid: number; gid: number };
  chmod?: number;
  /** ADD: a local tar archive is extracted instead of copied. */
  extractArchives: boolean;
  /** The image's layers, to keep existing parent directories as they are. */
  layerDirs: readonly string[];
}

export interface CopyPlan {
  entries: () => AsyncIterable<TarInput>;
  hash: string;
}

type Item = { dest: string; root?: boolean; type: 'file' | 'dir' | 'symlink'; mode: number; mtime: number; link?: string; data?: () => Buffer; abs?: string; within?: string; archive?: boolean };

function archiveKind(head: Buffer): 'gzip' | 'bzip2' | 'xz' | 'tar' | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

export function planCopy(req: CopyRequest): CopyPlan {
  const items: Item[] = [];
  const groups = req.srcs.map((s) => ({ src: s, hits: req.tree.sources(s) }));
  const count = groups.reduce((n, g) => n + g.hits.length, 0) + req.inline.length;
  const wildcard = req.srcs.some((s) => /[*?[]/.test(s));
  const destExistsDir = statInLayers(req.layerDirs, req.dest)?.st.isDirectory() ?? false;
  const intoDir = req.dest.endsWith('/') || destExistsDir;
  if ((count > 1 || wildcard) && !intoDir && count > 1) {
    throw new InvalidArgumentError('When using COPY with more than one source file, the destination must be a directory and end with a /', { exitCode: 1 });
  }
  const destRoot = path.posix.normalize(req.dest);
  const fileDest = (name: string) => (intoDir ? path.posix.join(destRoot, name) : destRoot);
  for (const g of groups) {
    for (const hit of g.hits) {
      if (hit.st.isDirectory()) {
        for (const e of req.tree.walk(hit.rel)) {
          const sub = path.posix.relative(hit.rel, e.rel);
          const dest = sub ? path.posix.join(destRoot, sub) : destRoot;
          items.push({ ...itemOf(e, dest, false), root: !sub });
        }
      } else {
        const base = path.posix.basename(hit.rel);
        const it = itemOf(hit, fileDest(base), req.extractArchives);
        if (it.archive) it.dest = destRoot;
        items.push(it);
      }
    }
  }
  for (const h of req.inline) {
    const data = Buffer.from(h.content);
    items.push({ dest: fileDest(h.name), type: 'file', mode: 0o644, mtime: 0, data: () => data });
  }
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ owner: req.owner, chmod: req.chmod, dest: req.dest }));
  for (const it of items) {
    hash.update(`\0${it.dest}\0${it.type}\0${it.mode.toString(8)}\0${it.link ?? ''}\0${it.archive ? 'archive' : ''}\0`);
    if (it.data) hash.update(it.data());
  }
  const parents = parentEntries(items.map((i) => i.dest), req.layerDirs);
  const owner = req.owner ?? { uid: 0, gid: 0 };
  async function* entries(): AsyncGenerator<TarInput> {
    yield* parents;
    for (const it of items) {
      const p = it.dest.replace(/^\/+/, '');
      if (!p) continue;
      if (it.archive && it.abs) {
        yield* archiveEntries(it.abs, p, it.within);
        continue;
      }
      // the directory a directory source's contents go into is made, not copied: --chmod is for what is copied (as buildah)
      const mode = it.root && req.chmod !== undefined ? 0o755 : req.chmod ?? it.mode;
      const base = { path: p, uid: owner.uid, gid: owner.gid, mtime: it.mtime };
      if (it.type === 'dir') yield { entry: { ...base, type: 'dir', mode } };
      else if (it.type === 'symlink') yield { entry: { ...base, type: 'symlink', mode: 0o777, linkpath: it.link ?? '' } };
      else yield { entry: { ...base, type: 'file', mode }, body: it.data!() };
    }
  }
  return { entries, hash: hash.digest('hex') };
}

function itemOf(e: ContextEntry, dest: string, extract: boolean): Item {
  const mode = e.st.mode & 0o7777;
  const mtime = Math.floor(e.st.mtimeMs / 1000);
  if (e.st.isDirectory()) return { dest, type: 'dir', mode, mtime };
  if (e.st.isSymbolicLink()) return { dest, type: 'symlink', mode, mtime, link: fs.readlinkSync(e.abs) };
  if (!e.st.isFile()) return { dest, type: 'file', mode, mtime, data: () => Buffer.alloc(0) };
  let cached: Buffer | undefined;
  const data = () => (cached ??= readContextFile(e.abs, e.root));
  const archive = extract && archiveKind(data().subarray(0, 512)) !== undefined;
  return { dest, type: 'file', mode, mtime, data, abs: e.abs, ...(e.root ? { within: e.root } : {}), archive };
}

/** Directories above the copied paths: as the image has them (unchanged), or new root-owned 0755 ones. */
function parentEntries(dests: string[], layerDirs: readonly string[]): TarInput[] {
  const seen = new Set<string>();
  const out: TarInput[] = [];
  for (const d of dests) {
    const parts = d.split('/').filter(Boolean);
    for (let k = 1; k < parts.length; k++) {
      const p = parts.slice(0, k).join('/');
      if (seen.has(p)) continue;
      seen.add(p);
      const hit = statInLayers(layerDirs, p);
      if (hit && !hit.st.isDirectory()) continue; // e.g. a symlinked dir: leave it to the layer below
      out.push({ entry: hit
        ? { path: p, type: 'dir', mode: hit.st.mode & 0o7777, uid: hit.st.uid, gid: hit.st.gid, mtime: Math.floor(hit.st.mtimeMs / 1000) }
        : { path: p, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: Math.floor(Date.now() / 1000) } });
    }
  }
  return out;
}

/** ADD of a local archive: its members under dest, gzip/bzip2/xz/plain, paths cleaned, whiteouts dropped. */
async function* archiveEntries(abs: string, dest: string, root?: string): AsyncGenerator<TarInput> {
  const raw = readContextFile(abs, root);
  const kind = archiveKind(raw.subarray(0, 512));
  let source: NodeJS.ReadableStream | Buffer = raw;
  if (kind === 'bzip2' || kind === 'xz') {
    const child = spawn(kind === 'xz' ? 'xz' : 'bzip2', ['-dc'], { stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.end(raw);
    source = child.stdout;
  } else source = Readable.from([raw]);
  for await (const e of new TarReader(source)) {
    const parts = cleanArchivePath(e.header.path);
    if (!parts.length || parts[parts.length - 1].startsWith('.wh.')) continue;
    const p = [dest, ...parts].join('/');
    const h = e.header;
    const entry = { path: p, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, mtime: Math.floor(h.mtime),
      ...(h.type === 'symlink' ? { linkpath: h.linkpath } : {}),
      ...(h.type === 'hardlink' ? { linkpath: [dest, ...cleanArchivePath(h.linkpath)].join('/') } : {}),
      ...(h.type === 'char' || h.type === 'block' ? { devmajor: h.devmajor, devminor: h.devminor } : {}) };
    if (h.type === 'file') yield { entry: { ...entry, size: h.size }, body: await e.buffer() };
    else yield { entry };
  }
}
