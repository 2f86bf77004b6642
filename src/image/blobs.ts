// Content-addressed blobs: blobs/sha256/<hex>, written to a staging file, fsynced and renamed into place, so a
// blob path either does not exist or holds exactly the bytes its name promises. Reads of the small JSON blobs
// are verified again; layer blobs are verified while they are received.
import * as fs from 'node:fs';
import { InternalError, NotFoundError } from '../errors/errors';
import type { Layout } from '../store/layout';
import type { Descriptor } from './oci';
import { stagingPath } from './tmp';
import { sys } from '../sys/native';

/** Through sys.node, which every command loads anyway: Node's crypto module costs ~6 ms to load. */
export function sha256(data: Buffer): string {
  return `sha256:${sys().sha256Hex(data)}`;
}

export function ensureStoreDirs(layout: Layout): void {
  for (const dir of [layout.tmpDir, layout.blobsDir, layout.layersDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Stores bytes under their digest (idempotent). */
export function putBlob(layout: Layout, data: Buffer, mediaType: string): Descriptor {
  const digest = sha256(data);
  const file = layout.blobPath(digest);
  if (!fs.existsSync(file)) {
    ensureStoreDirs(layout);
    const tmp = stagingPath(layout, 'blob');
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }
  return { mediaType, digest, size: data.length };
}

/** Reads a blob and checks it still matches its digest. */
export function readBlob(layout: Layout, digest: string): Buffer {
  let data: Buffer;
  try {
    data = fs.readFileSync(layout.blobPath(digest));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`blob ${digest} not found in ${layout.blobsDir}`);
    throw err;
  }
  const actual = sha256(data);
  if (actual !== digest) throw new InternalError(`blob ${digest} is corrupt: its content has digest ${actual}`, { hint: `remove ${layout.blobPath(digest)} and import the image again` });
  return data;
}

export function readJsonBlob<T>(layout: Layout, digest: string): T {
  const data = readBlob(layout, digest);
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch (err) {
    throw new InternalError(`blob ${digest} is not valid JSON`, { cause: err });
  }
}
