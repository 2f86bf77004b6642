// Streaming tar reader: ustar, GNU long names ('L'/'K'), PAX ('x' per entry, 'g' global), gzip detected by magic.
// Input is hostile: every failure is an InvalidArgumentError "invalid tar archive: ...", a short read never hangs
// (end of input is an error unless it falls on a header boundary), and metadata entries are size-capped.
// While reading it hashes both the raw input (the blob digest) and the uncompressed stream (the layer's diffID).
import { createHash, type Hash } from 'node:crypto';
import { BLOCK, decodeHeader, HeaderError, isZeroBlock, parsePaxRecords, type EntryType, type RawHeader, type TarHeader } from './tar-header';
import { ByteSource, decompress, invalid, iterate, Truncated, type Compression, type TarSource } from './tar-input';

export type { EntryType, TarHeader } from './tar-header';
export type { Compression, TarSource } from './tar-input';

export interface TarEntry {
  header: TarHeader;
  /** The entry's data. Valid until the next entry is requested; unread data is skipped then. */
  body: AsyncIterable<Buffer>;
  /** Reads the whole body into memory (metadata-sized files only). */
  buffer(): Promise<Buffer>;
}

export interface TarReadSummary {
  compression: Compression;
  /** sha256 of the input as received (the blob digest), "sha256:<hex>". */
  rawDigest: string;
  rawSize: number;
  /** sha256 of the uncompressed tar stream: the layer's diffID. */
  digest: string;
  size: number;
}

export interface TarReaderOptions {
  /** Called with every raw input chunk, in order, before decompression (the store writes the blob with it). */
  onRaw?: (chunk: Buffer) => void;
  /** Largest PAX or GNU long-name entry accepted, in bytes (default 1 MiB). */
  maxMetadataSize?: number;
}

const START = '(start of archive)';
const HEADER_ONLY = new Set<EntryType>(['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo']);

function entryType(flag: string, name: string): EntryType | 'skip' | undefined {
  switch (flag) {
    case '0': case '7': return name.endsWith('/') ? 'dir' : 'file';
    case '1': return 'hardlink';
    case '2': return 'symlink';
    case '3': return 'char';
    case '4': return 'block';
    case '5': case 'D': return 'dir';
    case '6': return 'fifo';
    case 'V': return 'skip'; // GNU volume label
    default: return undefined;
  }
}

/** Metadata keys a global ('g') PAX header may set; a global path, linkpath or size makes no sense and is ignored. */
const GLOBAL_KEYS = /^(uid|gid|uname|gname|mtime|SCHILY\.xattr\..+)$/;

export class TarReader implements AsyncIterable<TarEntry> {
  private summary: TarReadSummary | undefined;
  private started = false;
  private readonly maxMeta: number;

  constructor(private readonly source: TarSource, private readonly opts: TarReaderOptions = {}) {
    this.maxMeta = opts.maxMetadataSize ?? 1 << 20;
  }

  /** Digests and sizes; available once iteration has reached the end of the archive. */
  get result(): TarReadSummary {
    if (!this.summary) throw new Error('tar archive not read to the end yet');
    return this.summary;
  }

  [Symbol.asyncIterator](): AsyncGenerator<TarEntry> {
    return this.entries();
  }

  async *entries(): AsyncGenerator<TarEntry> {
    if (this.started) throw new Error('a TarReader can be iterated once');
    this.started = true;
    const rawHash = createHash('sha256');
    let rawSize = 0;
    const onRaw = this.opts.onRaw;
    async function* raw(src: TarSource): AsyncGenerator<Buffer> {
      for await (const chunk of iterate(src)) {
        rawHash.update(chunk);
        rawSize += chunk.length;
        if (onRaw) onRaw(chunk);
        yield chunk;
      }
    }
    const rawIt = raw(this.source);
    let dec;
    try {
      dec = await decompress(rawIt);
    } catch (err) {
      await rawIt.return(undefined); // closes the source stream
      throw err;
    }
    const tarHash: Hash = createHash('sha256');
    let tarSize = 0;
    const bytes = new ByteSource(dec.stream[Symbol.asyncIterator](), (b) => {
      tarHash.update(b);
      tarSize += b.length;
    });
    try {
      yield* this.walk(bytes);
      await bytes.drain();
      this.summary = {
        compression: dec.compression,
        rawDigest: `sha256:${rawHash.digest('hex')}`,
        rawSize,
        digest: `sha256:${tarHash.digest('hex')}`,
        size: tarSize,
      };
    } finally {
      if (!this.summary) await dec.close();
    }
  }

  private async *walk(bytes: ByteSource): AsyncGenerator<TarEntry> {
    let globals = new Map<string, Buffer>();
    let pending: Pending = {};
    let last = START;
    for (;;) {
      const block = await orTruncated(bytes.read(BLOCK), last === START ? 'input too short to be a tar archive' : `truncated header after ${last}`);
      if (!block) {
        if (pending.pax || pending.longName !== undefined || pending.longLink !== undefined) throw invalid(`truncated archive: extended header without an entry after ${last}`);
        return; // end of input on a header boundary: accepted without the zero blocks, as Go's archive/tar does
      }
      if (isZeroBlock(block)) {
        const second = await bytes.read(BLOCK).catch((err: unknown) => {
          if (err instanceof Truncated) return undefined; // a partial zero trailer: nothing is lost
          throw err;
        });
        if (second && !isZeroBlock(second)) throw invalid(`unexpected data after a zero block after ${last}`);
        return;
      }
      const raw = headerErrors(() => decodeHeader(block), `in the header after ${last}`);
      const readMeta = async (what: string): Promise<Buffer> => {
        if (raw.size > this.maxMeta) throw invalid(`${what} of ${raw.size} bytes is too large after ${last}`);
        const data = await orTruncated(bytes.read(raw.size), `truncated entry ${what} after ${last}`);
        await orTruncated(bytes.skip(pad(raw.size)), `truncated entry ${what} after ${last}`);
        return Buffer.from(data ?? Buffer.alloc(0));
      };
      const readPax = async (what: string) => {
        const data = await readMeta(what);
        return headerErrors(() => parsePaxRecords(data), `in ${what} after ${last}`);
      };
      switch (raw.typeflag) {
        case 'x': case 'X':
          pending.pax = await readPax('pax header');
          continue;
        case 'g':
          globals = mergeRecords(globals, [...(await readPax('global pax header'))].filter(([k]) => GLOBAL_KEYS.test(k)));
          continue;
        case 'L':
          pending.longName = nulTrim(await readMeta('GNU long name'));
          continue;
        case 'K':
          pending.longLink = nulTrim(await readMeta('GNU long link name'));
          continue;
      }
      const { header, dataSize, skip } = buildHeader(raw, mergeRecords(globals, pending.pax ?? []), pending);
      pending = {};
      last = header.path;
      const path = header.path;
      if (skip) {
        await orTruncated(bytes.skip(dataSize + pad(dataSize)), `truncated entry ${path}`);
        continue;
      }
      const state = { left: header.size, live: true };
      const body = async function* (): AsyncGenerator<Buffer> {
        if (!state.live) throw new Error(`body of ${path} read after the next entry was requested`);
        try {
          for await (const chunk of bytes.take(state.left)) {
            state.left -= chunk.length;
            yield chunk;
          }
        } catch (err) {
          throw err instanceof Truncated ? invalid(`truncated entry ${path}`) : err;
        }
      };
      yield {
        header,
        body: { [Symbol.asyncIterator]: body },
        buffer: async () => {
          const parts: Buffer[] = [];
          for await (const c of body()) parts.push(Buffer.from(c));
          return Buffer.concat(parts);
        },
      };
      state.live = false;
      await orTruncated(bytes.skip(state.left + (dataSize - header.size) + pad(dataSize)), `truncated entry ${path}`);
    }
  }
}

/** GNU long names and PAX records seen, waiting for the entry they describe. */
interface Pending {
  pax?: Map<string, Buffer>;
  longName?: string;
  longLink?: string;
}

/** Applies records in order; an empty value removes the key (PAX's way to cancel a global value). */
function mergeRecords(base: Map<string, Buffer>, records: Iterable<[string, Buffer]>): Map<string, Buffer> {
  const out = new Map(base);
  for (const [k, v] of records) {
    if (v.length === 0) out.delete(k);
    else out.set(k, v);
  }
  return out;
}

/** The entry's header from the raw block, its PAX records and GNU long names. */
function buildHeader(raw: RawHeader, records: Map<string, Buffer>, pending: Pending): { header: TarHeader; dataSize: number; skip: boolean } {
  const path = records.get('path')?.toString('utf8') ?? pending.longName ?? raw.name;
  const linkpath = records.get('linkpath')?.toString('utf8') ?? pending.longLink ?? raw.linkname;
  if (raw.typeflag === 'S' || [...records.keys()].some((k) => k.startsWith('GNU.sparse.'))) throw invalid(`sparse file ${path} is not supported`);
  const type = entryType(raw.typeflag, path);
  if (type === undefined) throw invalid(`unsupported entry type '${printable(raw.typeflag)}' for ${path}`);
  if (path.includes('\0') || linkpath.includes('\0')) throw invalid(`NUL byte in the name of ${JSON.stringify(path)}`);
  const num = (key: string, fallback: number, float = false): number => {
    const v = records.get(key);
    if (v === undefined) return fallback;
    const text = v.toString('latin1');
    const ok = float ? /^-?[0-9]+(\.[0-9]+)?$/.test(text) : /^[0-9]+$/.test(text);
    const n = Number(text);
    if (!ok || !Number.isFinite(n) || (!float && !Number.isSafeInteger(n))) throw invalid(`bad pax ${key} ${JSON.stringify(text)} for ${path}`);
    return n;
  };
  const size = num('size', raw.size);
  const xattrs: Record<string, Buffer> = {};
  for (const [k, v] of records) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = v;
  const header: TarHeader = {
    path,
    type: type === 'skip' ? 'file' : type,
    mode: raw.mode & 0o7777,
    uid: num('uid', raw.uid),
    gid: num('gid', raw.gid),
    size: type === 'file' ? size : 0,
    mtime: num('mtime', raw.mtime, true),
    linkpath: type === 'symlink' || type === 'hardlink' ? linkpath : '',
    uname: records.get('uname')?.toString('utf8') ?? raw.uname,
    gname: records.get('gname')?.toString('utf8') ?? raw.gname,
    devmajor: raw.devmajor,
    devminor: raw.devminor,
    xattrs,
  };
  // Like Go's archive/tar, header-only types carry no data even if the size field says otherwise;
  // 'D' (GNU dumpdir) and skipped types have data to step over.
  const dataSize = type === 'skip' || raw.typeflag === 'D' ? size : HEADER_ONLY.has(type) ? 0 : size;
  return { header, dataSize, skip: type === 'skip' };
}

/** Maps a short read to "invalid tar archive: <message>". */
async function orTruncated<T>(p: Promise<T>, message: string): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw err instanceof Truncated ? invalid(message) : err;
  }
}

function headerErrors<T>(fn: () => T, where: string): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof HeaderError ? invalid(`${err.message} ${where}`) : err;
  }
}

function pad(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function nulTrim(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.subarray(0, nul < 0 ? data.length : nul).toString('utf8');
}

function printable(flag: string): string {
  return /^[\x20-\x7e]$/.test(flag) ? flag : `\\x${flag.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Reads a whole archive into memory: entries with their data (tests and small archives). */
export async function readAll(source: TarSource): Promise<{ entries: { header: TarHeader; data: Buffer }[]; summary: TarReadSummary }> {
  const reader = new TarReader(source);
  const entries: { header: TarHeader; data: Buffer }[] = [];
  for await (const e of reader) entries.push({ header: e.header, data: await e.buffer() });
  return { entries, summary: reader.result };
}
