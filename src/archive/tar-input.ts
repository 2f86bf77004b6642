// Input side of the tar reader: any byte source as Buffers, exact-length reads, and compression detected by
// magic number (gzip through node:zlib; zstd, xz and bzip2 refused with a hint, Node 20 has no decoder for them).
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { InvalidArgumentError } from '../errors/errors';

export type TarSource = NodeJS.ReadableStream | AsyncIterable<Buffer | Uint8Array | string> | Buffer;
export type Compression = 'gzip' | 'none';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const BZIP2_MAGIC = Buffer.from('BZh');

/** Thrown by ByteSource on a short read; the reader names the entry. */
export class Truncated extends Error {}

export function invalid(message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`invalid tar archive: ${message}`, cause === undefined ? {} : { cause });
}

function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk);
}

export async function* iterate(source: TarSource): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(source)) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Buffer | Uint8Array | string>) yield toBuffer(chunk);
}

/** Exact-length reads over an async chunk iterator; every pulled chunk is reported to onChunk once. */
export class ByteSource {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>, private readonly onChunk: (b: Buffer) => void) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.onChunk(r.value);
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  /** n bytes, or undefined at a clean end of input; Truncated when the input stops inside. */
  async read(n: number): Promise<Buffer | undefined> {
    while (this.buf.length < n) {
      if (!(await this.fill())) {
        if (this.buf.length === 0) return undefined;
        throw new Truncated();
      }
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill())) throw new Truncated();
      const k = Math.min(left, this.buf.length);
      const out = this.buf.subarray(0, k);
      this.buf = this.buf.subarray(k);
      left -= k;
      yield out;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n)) void _;
  }

  /** Consumes the rest of the input (trailing blocks still count for the digest). */
  async drain(): Promise<void> {
    this.buf = Buffer.alloc(0);
    while (await this.fill()) this.buf = Buffer.alloc(0);
  }
}

/** Inserts decompression as detected from the first bytes; refuses compressions Node cannot read. */
export async function decompress(raw: AsyncGenerator<Buffer>): Promise<{ compression: Compression; stream: AsyncIterable<Buffer>; close(): Promise<unknown> }> {
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < 6) {
    const r = await raw.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headLen += r.value.length;
  }
  const start = Buffer.concat(head);
  if (start.length === 0) throw invalid('empty input');
  const starts = (m: Buffer) => start.length >= m.length && start.subarray(0, m.length).equals(m);
  if (starts(ZSTD_MAGIC)) {
    throw new InvalidArgumentError('unsupported archive compression: zstd', {
      hint: 'Node 20 has no zstd decoder; decompress it first (zstd -d) or use a gzip or uncompressed tar',
    });
  }
  if (starts(XZ_MAGIC)) throw new InvalidArgumentError('unsupported archive compression: xz', { hint: 'decompress it first (xz -d)' });
  if (starts(BZIP2_MAGIC)) throw new InvalidArgumentError('unsupported archive compression: bzip2', { hint: 'decompress it first (bunzip2)' });

  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield start;
      if (!ended) yield* raw;
    } finally {
      await raw.return(undefined); // stopped early (even before reaching raw): close the source
    }
  }
  if (!starts(GZIP_MAGIC)) {
    const plain = all();
    return { compression: 'none', stream: plain, close: () => plain.return(undefined) };
  }

  const input = Readable.from(all(), { objectMode: false });
  const gunzip = zlib.createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  async function* out(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('Z_')) throw invalid(`gzip: ${(err as Error).message}`, err);
      throw err;
    }
  }
  return {
    compression: 'gzip',
    stream: out(),
    close: async () => {
      input.destroy();
      gunzip.destroy();
    },
  };
}
