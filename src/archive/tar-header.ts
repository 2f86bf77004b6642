// The tar header block (POSIX ustar, GNU and V7 variants) and PAX records, both directions.
// Layout of the 512-byte block, offsets in bytes:
//   name 0/100  mode 100/8  uid 108/8  gid 116/8  size 124/12  mtime 136/12  chksum 148/8  typeflag 156/1
//   linkname 157/100  magic 257/6  version 263/2  uname 265/32  gname 297/32  devmajor 329/8  devminor 337/8
//   prefix 345/155 (ustar only: GNU uses that area for atime/ctime)
// Numbers are octal ASCII; GNU writes values too large for octal as base-256 (high bit of the first byte set).

export const BLOCK = 512;

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One archive member after GNU long names and PAX records were applied. */
export interface TarHeader {
  /** As stored in the archive (not cleaned): may hold "./", "../" or a leading "/"; readers of hostile input must check. */
  path: string;
  type: EntryType;
  /** Permission bits and setuid/setgid/sticky (& 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow the header (0 for everything but files). */
  size: number;
  /** Seconds since the epoch; PAX may give a fraction. */
  mtime: number;
  /** Target of a symlink, or the archive path a hardlink points to. */
  linkpath: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** Extended attributes from PAX SCHILY.xattr.* records. */
  xattrs: Record<string, Buffer>;
}

/** Raw decoded fields of one header block, before PAX/GNU overrides. */
export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  format: 'ustar' | 'gnu' | 'v7';
}

/** A header field could not be decoded; the reader turns it into an "invalid tar archive" error. */
export class HeaderError extends Error {}

export const TYPEFLAG: Record<EntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Sum of the header bytes with the checksum field counted as spaces; historic writers summed signed bytes. */
function checksums(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return { unsigned, signed };
}

function cString(block: Buffer, off: number, len: number): string {
  const field = block.subarray(off, off + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function parseNumber(block: Buffer, off: number, len: number, what: string): number {
  const field = block.subarray(off, off + len);
  if (field[0] & 0x80) {
    // base-256: big-endian two's complement with the marker bit cleared; negative values are refused.
    if (field[0] & 0x40) throw new HeaderError(`negative ${what}`);
    let v = field[0] & 0x3f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + field[i];
      if (v > Number.MAX_SAFE_INTEGER) throw new HeaderError(`${what} too large`);
    }
    return v;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new HeaderError(`bad ${what} field ${JSON.stringify(text)}`);
  const v = parseInt(text, 8);
  if (!Number.isSafeInteger(v)) throw new HeaderError(`${what} too large`);
  return v;
}

/** Decodes and checks one non-zero header block. Throws HeaderError when the block is not a tar header. */
export function decodeHeader(block: Buffer): RawHeader {
  const stored = block.subarray(148, 156).toString('latin1').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]+$/.test(stored)) throw new HeaderError('not a tar header (no checksum)');
  const want = parseInt(stored, 8);
  const sums = checksums(block);
  if (want !== sums.unsigned && want !== sums.signed) throw new HeaderError('header checksum mismatch');

  const magic = block.subarray(257, 263).toString('latin1');
  const format = magic === 'ustar\0' ? 'ustar' : magic === 'ustar ' ? 'gnu' : 'v7';
  let name = cString(block, 0, 100);
  if (format === 'ustar') {
    const prefix = cString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const hasOwnerNames = format !== 'v7';
  return {
    name,
    mode: parseNumber(block, 100, 8, 'mode'),
    uid: parseNumber(block, 108, 8, 'uid'),
    gid: parseNumber(block, 116, 8, 'gid'),
    size: parseNumber(block, 124, 12, 'size'),
    mtime: parseNumber(block, 136, 12, 'mtime'),
    typeflag: String.fromCharCode(block[156] || 0x30),
    linkname: cString(block, 157, 100),
    uname: hasOwnerNames ? cString(block, 265, 32) : '',
    gname: hasOwnerNames ? cString(block, 297, 32) : '',
    devmajor: hasOwnerNames ? parseNumber(block, 329, 8, 'devmajor') : 0,
    devminor: hasOwnerNames ? parseNumber(block, 337, 8, 'devminor') : 0,
    format,
  };
}

/** Parses the body of a PAX 'x'/'g' entry: records "<len> <key>=<value>\n", len counting the whole record. */
export function parsePaxRecords(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // some writers pad with NULs
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 20) throw new HeaderError('malformed pax record');
    const lenText = data.subarray(pos, space).toString('latin1');
    if (!/^[0-9]+$/.test(lenText)) throw new HeaderError('malformed pax record length');
    const len = parseInt(lenText, 10);
    const end = pos + len;
    if (len <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) throw new HeaderError('malformed pax record');
    const record = data.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new HeaderError('malformed pax record (no key)');
    out.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos = end;
  }
  return out;
}

export function encodePaxRecords(records: [string, Buffer | string][]): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value), Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    parts.push(Buffer.from(String(len)), body);
  }
  return Buffer.concat(parts);
}

/** The fields a header block is written from: the decoded ones, without the format. */
export type EncodeFields = Omit<RawHeader, 'format'>;

function putString(block: Buffer, off: number, len: number, value: string): void {
  Buffer.from(value, 'utf8').subarray(0, len).copy(block, off);
}

/** Octal with leading zeros and a NUL terminator; the caller ensures it fits (else it goes to PAX). */
function putOctal(block: Buffer, off: number, len: number, value: number): void {
  const text = Math.max(0, Math.floor(value)).toString(8).padStart(len - 1, '0');
  block.write(text.slice(-(len - 1)), off, 'latin1');
  block[off + len - 1] = 0;
}

export function maxOctal(len: number): number {
  return 8 ** (len - 1) - 1;
}

/** Encodes one ustar header block; fields that do not fit must already be replaced (the writer moves them to PAX). */
export function encodeHeader(f: EncodeFields, prefix = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  putString(block, 0, 100, f.name);
  putOctal(block, 100, 8, f.mode);
  putOctal(block, 108, 8, f.uid);
  putOctal(block, 116, 8, f.gid);
  putOctal(block, 124, 12, f.size);
  putOctal(block, 136, 12, f.mtime);
  block.write(f.typeflag, 156, 'latin1');
  putString(block, 157, 100, f.linkname);
  block.write('ustar\x0000', 257, 'latin1');
  putString(block, 265, 32, f.uname);
  putString(block, 297, 32, f.gname);
  putOctal(block, 329, 8, f.devmajor);
  putOctal(block, 337, 8, f.devminor);
  putString(block, 345, 155, prefix);
  const sum = checksums(block).unsigned;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return block;
}
