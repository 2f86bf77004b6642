// Tar writer: POSIX ustar headers, with a PAX 'x' header in front of an entry whenever a value does not fit
// (long or non-ASCII names, large sizes/ids, fractional mtimes, xattrs). Output depends only on the entries given:
// no clock, no pid, no host user names, PAX records sorted — so the same entries always give the same digest.
import { Readable } from 'node:stream';
import { BLOCK, encodeHeader, encodePaxRecords, maxOctal, TYPEFLAG, type EntryType } from './tar-header';

export interface TarWriteEntry {
  path: string;
  type: EntryType;
  /** Defaults: 0o644 for files, 0o755 for directories, 0o777 for symlinks. */
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  /** Seconds since the epoch (default 0, for reproducible output). */
  mtime?: number;
  linkpath?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Buffer | string>;
  /** Required when the body is a stream; taken from the body when it is a Buffer. */
  size?: number;
}

export interface TarInput {
  entry: TarWriteEntry;
  body?: Buffer | string | AsyncIterable<Buffer>;
}

const ZERO = Buffer.alloc(BLOCK * 2);

function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

/** Splits a long path into ustar prefix (≤155 bytes) and name (≤100 bytes) at a slash, when possible. */
function splitUstar(p: string): { prefix: string; name: string } | undefined {
  if (!isAscii(p)) return undefined;
  if (p.length <= 100) return { prefix: '', name: p };
  for (let i = p.length - 1; i > 0; i--) {
    if (p[i] !== '/') continue;
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (prefix.length <= 155 && name.length > 0 && name.length <= 100) return { prefix, name };
    if (prefix.length <= 155) break;
  }
  return undefined;
}

function defaultMode(type: EntryType): number {
  return type === 'dir' ? 0o755 : type === 'symlink' ? 0o777 : 0o644;
}

/** The header block(s) for one entry: an optional PAX header entry followed by the ustar header. */
export function encodeEntryHeader(entry: TarWriteEntry, size: number): Buffer {
  let p = entry.path;
  if (entry.type === 'dir' && !p.endsWith('/')) p += '/';
  const linkpath = entry.linkpath ?? '';
  const uid = entry.uid ?? 0;
  const gid = entry.gid ?? 0;
  const mtime = entry.mtime ?? 0;
  const uname = entry.uname ?? '';
  const gname = entry.gname ?? '';
  const pax: [string, Buffer | string][] = [];

  const split = splitUstar(p);
  if (!split) pax.push(['path', p]);
  if (linkpath.length > 100 || !isAscii(linkpath)) pax.push(['linkpath', linkpath]);
  if (size > maxOctal(12)) pax.push(['size', String(size)]);
  if (uid > maxOctal(8)) pax.push(['uid', String(uid)]);
  if (gid > maxOctal(8)) pax.push(['gid', String(gid)]);
  if (uname.length > 32 || !isAscii(uname)) pax.push(['uname', uname]);
  if (gname.length > 32 || !isAscii(gname)) pax.push(['gname', gname]);
  if (!Number.isInteger(mtime) || mtime < 0 || mtime > maxOctal(12)) pax.push(['mtime', formatPaxTime(mtime)]);
  for (const [k, v] of Object.entries(entry.xattrs ?? {})) pax.push([`SCHILY.xattr.${k}`, v]);
  pax.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const fits = (v: number, len: number) => (Number.isInteger(v) && v >= 0 && v <= maxOctal(len) ? v : 0);
  const header = encodeHeader(
    {
      name: split ? split.name : asciiTail(p),
      mode: entry.mode ?? defaultMode(entry.type),
      uid: fits(uid, 8),
      gid: fits(gid, 8),
      size: fits(size, 12),
      mtime: fits(mtime, 12),
      typeflag: TYPEFLAG[entry.type],
      linkname: linkpath.length <= 100 && isAscii(linkpath) ? linkpath : '',
      uname: uname.length <= 32 && isAscii(uname) ? uname : '',
      gname: gname.length <= 32 && isAscii(gname) ? gname : '',
      devmajor: entry.devmajor ?? 0,
      devminor: entry.devminor ?? 0,
    },
    split ? split.prefix : '',
  );
  if (pax.length === 0) return header;

  const records = encodePaxRecords(pax);
  const base = p.replace(/\/+$/, '').split('/').pop() ?? '';
  const paxHeader = encodeHeader({
    name: asciiTail(`PaxHeader/${base}`),
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: fits(mtime, 12),
    typeflag: 'x',
    linkname: '',
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
  });
  return Buffer.concat([paxHeader, records, padding(records.length), header]);
}

/** A readable placeholder for the truncated ustar name when the real one lives in PAX. */
function asciiTail(p: string): string {
  return p.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
}

function formatPaxTime(t: number): string {
  if (Number.isInteger(t)) return String(t);
  return t.toFixed(9).replace(/0+$/, '');
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The archive as a sequence of chunks: headers, bodies, padding, and the two zero blocks at the end. */
export async function* tarChunks(inputs: Iterable<TarInput> | AsyncIterable<TarInput>): AsyncGenerator<Buffer> {
  for await (const { entry, body } of inputs) {
    if (body === undefined || Buffer.isBuffer(body) || typeof body === 'string') {
      const data = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
      if (data.length && entry.type !== 'file') throw new Error(`tar entry ${entry.path}: only files have data`);
      yield encodeEntryHeader(entry, data.length);
      if (data.length) yield Buffer.concat([data, padding(data.length)]);
      continue;
    }
    if (entry.type !== 'file' || entry.size === undefined) throw new Error(`tar entry ${entry.path}: a streamed body needs type file and a size`);
    yield encodeEntryHeader(entry, entry.size);
    let written = 0;
    for await (const chunk of body) {
      written += chunk.length;
      if (written > entry.size) throw new Error(`tar entry ${entry.path}: body longer than its size ${entry.size}`);
      yield chunk;
    }
    if (written !== entry.size) throw new Error(`tar entry ${entry.path}: body has ${written} bytes, header says ${entry.size}`);
    yield padding(written);
  }
  yield ZERO;
}

/** The archive as a Node Readable stream. */
export function tarStream(inputs: Iterable<TarInput> | AsyncIterable<TarInput>): Readable {
  return Readable.from(tarChunks(inputs), { objectMode: false });
}

/** Builds a whole archive in memory; bodies must be Buffers or strings. */
export function buildTar(inputs: Iterable<TarInput>): Buffer {
  const parts: Buffer[] = [];
  for (const { entry, body } of inputs) {
    if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') throw new Error('buildTar takes Buffer bodies only');
    const data = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    if (data.length && entry.type !== 'file') throw new Error(`tar entry ${entry.path}: only files have data`);
    parts.push(encodeEntryHeader(entry, data.length), data, padding(data.length));
  }
  parts.push(ZERO);
  return Buffer.concat(parts);
}
