// Paths from a hostile archive, made safe in two steps:
//  1. cleanArchivePath: lexical. Leading "/" and "./" are stripped, "." and empty components dropped, ".." pops
//     a component; a ".." that would climb above the root is refused (not clamped), like docker's breakout check.
//  2. resolveInRoot: symlink-aware and root-confined, the idea of runc's securejoin: each existing component is
//     lstat'ed; a symlink is expanded with its target read as if the root were "/" (absolute targets restart at
//     the root, ".." stops at the root), so nothing ever resolves outside the root. The last component is never
//     followed: the caller creates or replaces exactly that name.
// Assumption: only the extractor writes below the root while it runs (a fresh directory under the store's tmp
// dir, root-owned), so a path checked with lstat cannot be swapped before it is used.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../errors/errors';

/** Components of the cleaned relative path; [] means the root itself. Throws when the path escapes. */
export function cleanArchivePath(raw: string): string[] {
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new InvalidArgumentError(`invalid tar archive: path ${JSON.stringify(raw)} escapes the layer root`);
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}

const MAX_SYMLINKS = 40; // Linux's own limit for one path walk

export interface ResolveOptions {
  /** Create missing directories (mode 0755) on the way, as docker and containerd do for implicit parents. */
  create?: boolean;
  /** Archive path, for error messages. */
  entry: string;
}

/**
 * Resolves the directory named by `dirParts` below `root` (an absolute, symlink-free path), following symlinks
 * confined to the root. Returns an absolute path that is a real directory inside the root; undefined when a
 * component is missing and `create` is not set; throws when a component is not a directory or links loop.
 */
export function resolveDirInRoot(root: string, dirParts: readonly string[], opts: ResolveOptions & { create: true }): string;
export function resolveDirInRoot(root: string, dirParts: readonly string[], opts: ResolveOptions): string | undefined;
export function resolveDirInRoot(root: string, dirParts: readonly string[], opts: ResolveOptions): string | undefined {
  const stack: string[] = [];
  const queue = [...dirParts];
  let links = 0;
  while (queue.length) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      stack.pop();
      continue;
    }
    const here = path.join(root, ...stack, part);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(here);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!st) {
      if (!opts.create) return undefined;
      fs.mkdirSync(here, 0o755);
      stack.push(part);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new InvalidArgumentError(`invalid tar archive: ${opts.entry}: too many levels of symbolic links`);
      const target = fs.readlinkSync(here);
      if (target.startsWith('/')) stack.length = 0;
      queue.unshift(...target.split('/'));
      continue;
    }
    if (!st.isDirectory()) {
      throw new InvalidArgumentError(`invalid tar archive: ${opts.entry}: ${path.posix.join(...stack, part)} is not a directory`);
    }
    stack.push(part);
  }
  return path.join(root, ...stack);
}

/** True when `p` is `root` or below it (lexically; both absolute and normalized). */
export function isWithin(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel));
}
