// Helpers for tests: temp dirs that always go away, and hand-made archives (hostile ones included).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeHeader, type EncodeFields } from './tar-header';

/** A fresh /tmp/mydocker-test-<name>-XXXX directory. */
export function makeTempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mydocker-test-${name}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A raw header block with any typeflag and name (no cleaning, no PAX): for GNU 'L'/'K' and broken archives. */
export function rawHeader(fields: Partial<EncodeFields> & { name: string }): Buffer {
  return encodeHeader({
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 0,
    typeflag: '0',
    linkname: '',
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
    ...fields,
  });
}

export function padded(data: Buffer | string): Buffer {
  const b = Buffer.from(data);
  return Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
}

/** Lists a directory tree as "path type" lines (relative, sorted), without following symlinks. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(dir, r));
      const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? `symlink->${fs.readlinkSync(path.join(dir, r))}` : st.isFile() ? `file:${st.size}` : 'other';
      out.push(`${r} ${kind}`);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}
