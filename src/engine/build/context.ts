// The build context, read hostile-safe: every source is looked up component by component with lstat inside the
// context dir, a symlink is never followed (a symlink in the context is copied as a symlink, so one pointing
// outside brings nothing of the host along) and files are opened O_NOFOLLOW. .dockerignore'd paths do not exist
// for COPY/ADD.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../errors/errors';
import { RootFd } from '../../storage/root-fd';
import { globRegExp, isIgnored, parseDockerignore, type IgnoreRule } from './dockerignore';

export interface ContextEntry {
  /** Path relative to the context root (slash separated). */
  rel: string;
  abs: string;
  st: fs.Stats;
  /** The directory abs lies in that reads are confined to (the context dir, or a layer dir). */
  root?: string;
}

export class BuildContext {
  readonly rules: IgnoreRule[];

  constructor(readonly dir: string) {
    const ignore = path.join(dir, '.dockerignore');
    const st = fs.lstatSync(ignore, { throwIfNoEntry: false });
    this.rules = st?.isFile() ? parseDockerignore(fs.readFileSync(ignore, 'utf8')) : [];
  }

  private ignored(rel: string): boolean {
    return rel !== '' && isIgnored(rel, this.rules);
  }

  /** lstat of a context path, refusing paths through symlinks (a symlinked directory could lead anywhere). */
  private lookup(rel: string): fs.Stats | undefined {
    const parts = rel.split('/').filter(Boolean);
    let cur = this.dir;
    let st = fs.lstatSync(cur);
    for (const part of parts) {
      if (!st.isDirectory()) return undefined;
      cur = path.join(cur, part);
      const next = fs.lstatSync(cur, { throwIfNoEntry: false });
      if (!next) return undefined;
      st = next;
    }
    return st;
  }

  /** Every non-ignored entry under rel (rel itself first), without following symlinks. */
  walk(rel: string): ContextEntry[] {
    const out: ContextEntry[] = [];
    const visit = (r: string) => {
      const abs = r ? path.join(this.dir, r) : this.dir;
      const st = fs.lstatSync(abs);
      out.push({ rel: r, abs, st, root: this.dir });
      if (!st.isDirectory()) return;
      for (const name of fs.readdirSync(abs).sort()) {
        const child = r ? `${r}/${name}` : name;
        if (!this.ignored(child)) visit(child);
      }
    };
    visit(rel);
    return out;
  }

  /** The context paths a COPY/ADD source names: one path, or every match of a wildcard. */
  sources(src: string): ContextEntry[] {
    const cleaned = path.posix.normalize(`/${src}`).slice(1).replace(/\/$/, '');
    if (/[*?[]/.test(cleaned)) {
      const re = globRegExp(cleaned);
      const hits = this.walk('').filter((e) => e.rel !== '' && re.test(e.rel));
      if (!hits.length) throw notFound(src);
      return hits;
    }
    if (this.ignored(cleaned)) throw notFound(src);
    const st = this.lookup(cleaned);
    if (!st) throw notFound(src);
    return [{ rel: cleaned, abs: cleaned ? path.join(this.dir, cleaned) : this.dir, st, root: this.dir }];
  }
}

function notFound(src: string): InvalidArgumentError {
  return new InvalidArgumentError(`failed to compute cache key: "${src}": not found in the build context or excluded by .dockerignore`, { exitCode: 1 });
}

/**
 * A regular file's bytes. With root (the context or layer dir the entry was found in) the open is one openat2
 * confined to it (RESOLVE_IN_ROOT) and the final name is not followed: a directory or link swapped in after the
 * walk can never lead out of the context.
 */
export function readContextFile(abs: string, root?: string): Buffer {
  const flags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
  let fd: number;
  if (root === undefined) fd = fs.openSync(abs, flags);
  else {
    const rootFd = RootFd.open(root);
    try {
      fd = rootFd.resolve(`/${path.relative(root, abs)}`, flags);
    } finally {
      rootFd.close();
    }
  }
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
