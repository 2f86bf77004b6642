// An image archive (a tar, maybe gzip) read once into the store's staging area, so its members can be opened
// in any order: docker-archive puts manifest.json last, oci-archive index.json after the blobs, and stdin
// cannot seek. Member files are stored under numbered names (m0, m1, …) and found through a map of cleaned
// archive paths: a hostile name never becomes a path on this machine. Symlinks and hardlinks between members
// (docker save writes "<id>/layer.tar -> ../<other>/layer.tar") are resolved inside that map, confined to the
// archive. Everything else (devices, fifos, directories) is ignored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TarReader, type TarSource } from '../../archive/tar-reader';
import { InvalidArgumentError } from '../../errors/errors';
import type { Logger } from '../../log/log';
import type { Layout } from '../../store/layout';
import { ensureStoreDirs } from '../blobs';
import { stagingPath, sweepStaging } from '../tmp';

const MAX_MEMBERS = 100_000;
const MAX_LINK_HOPS = 16;

export interface SpooledMember {
  file: string;
  size: number;
}

export class SpooledArchive {
  private constructor(
    readonly dir: string,
    private readonly files: Map<string, SpooledMember>,
    private readonly links: Map<string, string>,
  ) {}

  /** Reads the whole archive into a fresh staging dir; the caller must call remove(). */
  static async read(layout: Layout, log: Logger, source: TarSource, what: string): Promise<SpooledArchive> {
    ensureStoreDirs(layout);
    sweepStaging(layout, log);
    const dir = stagingPath(layout, 'archive');
    fs.mkdirSync(dir, 0o700);
    const files = new Map<string, SpooledMember>();
    const links = new Map<string, string>();
    try {
      let n = 0;
      for await (const entry of new TarReader(source)) {
        if (++n > MAX_MEMBERS) throw new InvalidArgumentError(`invalid archive ${what}: more than ${MAX_MEMBERS} members`);
        const h = entry.header;
        const name = cleanMemberPath(h.path, what);
        if (name === '') continue;
        files.delete(name);
        links.delete(name);
        if (h.type === 'file') {
          const file = path.join(dir, `m${n}`);
          const fd = fs.openSync(file, 'wx', 0o600);
          try {
            for await (const chunk of entry.body) {
              let off = 0;
              while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
            }
          } finally {
            fs.closeSync(fd);
          }
          files.set(name, { file, size: h.size });
        } else if (h.type === 'symlink') {
          const target = h.linkpath.startsWith('/') ? h.linkpath : path.posix.join(path.posix.dirname(name), h.linkpath);
          links.set(name, cleanMemberPath(target, what));
        } else if (h.type === 'hardlink') {
          links.set(name, cleanMemberPath(h.linkpath, what));
        }
      }
      return new SpooledArchive(dir, files, links);
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  /** The member at an archive path (links followed inside the archive), or undefined. */
  lookup(name: string): SpooledMember | undefined {
    let p = name;
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const f = this.files.get(p);
      if (f) return f;
      const next = this.links.get(p);
      if (next === undefined) return undefined;
      p = next;
    }
    return undefined;
  }

  /** Reads a small member (JSON) whole; refuses more than `limit` bytes. */
  read(name: string, limit: number, what: string): Buffer {
    const m = this.lookup(name);
    if (!m) throw new InvalidArgumentError(`invalid ${what}: ${name} is missing from the archive`);
    if (m.size > limit) throw new InvalidArgumentError(`invalid ${what}: ${name} is ${m.size} bytes, more than ${limit}`);
    return fs.readFileSync(m.file);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** "./a//b/" → "a/b"; a path that climbs out of the archive ("../x", "a/../../x") is refused. */
export function cleanMemberPath(raw: string, what: string): string {
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new InvalidArgumentError(`invalid archive ${what}: path ${JSON.stringify(raw).slice(0, 200)} escapes the archive`);
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}
