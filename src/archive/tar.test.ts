import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { InvalidArgumentError } from '../errors/errors';
import { readAll, TarReader } from './tar-reader';
import { buildTar, tarChunks, tarStream, type TarInput } from './tar-writer';
import { encodePaxRecords } from './tar-header';
import { makeTempDir, padded, rawHeader, removeDir } from './test-helpers';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const longDir = 'a'.repeat(60) + '/' + 'b'.repeat(60) + '/' + 'c'.repeat(60);
const splitName = `${longDir}/file.txt`; // > 100 bytes, fits ustar prefix+name
const paxName = `${'d'.repeat(200)}/${'e'.repeat(120)}.txt`; // needs PAX
const unicodeName = 'etc/grüße/日本.txt';

const inputs: TarInput[] = [
  { entry: { path: 'etc', type: 'dir', mode: 0o755, mtime: 1700000000 } },
  { entry: { path: 'etc/passwd', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1700000000 }, body: 'root:x:0:0:root:/root:/bin/sh\n' },
  { entry: { path: splitName, type: 'file', mode: 0o600, uid: 1000, gid: 1000, uname: 'u', gname: 'g' }, body: 'split' },
  { entry: { path: paxName, type: 'file', mode: 0o640 }, body: Buffer.alloc(1000, 7) },
  { entry: { path: unicodeName, type: 'file' }, body: 'unicode' },
  { entry: { path: 'bin/sh', type: 'symlink', linkpath: '/bin/busybox' } },
  { entry: { path: 'long-link', type: 'symlink', linkpath: '/' + 'x'.repeat(150) } },
  { entry: { path: 'etc/passwd-link', type: 'hardlink', linkpath: 'etc/passwd' } },
  { entry: { path: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 } },
  { entry: { path: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 } },
  { entry: { path: 'run/fifo', type: 'fifo', mode: 0o600 } },
  { entry: { path: 'big-ids', type: 'file', uid: 70000000, gid: 3000000, mtime: 1700000000.25 }, body: '' },
  { entry: { path: 'with-xattrs', type: 'file', xattrs: { 'user.k': 'v', 'security.capability': Buffer.from([1, 0, 0, 2]) } }, body: 'x' },
  { entry: { path: 'usr/bin/setuid', type: 'file', mode: 0o4755 }, body: '#!' },
];

describe('tar writer and reader', () => {
  let tmp: string;
  before(() => {
    tmp = makeTempDir('tar');
  });
  after(() => removeDir(tmp));

  it('round-trips names, types, ids, times and xattrs', async () => {
    const tar = buildTar(inputs);
    const { entries, summary } = await readAll(tar);
    assert.equal(entries.length, inputs.length);
    for (const [i, { entry, body }] of inputs.entries()) {
      const got = entries[i];
      assert.equal(got.header.path.replace(/\/$/, ''), entry.path, `entry ${i}`);
      assert.equal(got.header.type, entry.type);
      if (entry.mode !== undefined) assert.equal(got.header.mode, entry.mode);
      assert.equal(got.header.uid, entry.uid ?? 0);
      assert.equal(got.header.gid, entry.gid ?? 0);
      assert.equal(got.header.mtime, entry.mtime ?? 0);
      assert.equal(got.header.linkpath, entry.linkpath ?? '');
      assert.equal(got.header.devmajor, entry.devmajor ?? 0);
      assert.equal(got.header.devminor, entry.devminor ?? 0);
      assert.deepEqual(got.data, body === undefined ? Buffer.alloc(0) : Buffer.from(body as Buffer | string));
      for (const [k, v] of Object.entries(entry.xattrs ?? {})) assert.deepEqual(got.header.xattrs[k], Buffer.from(v));
    }
    assert.equal(entries[2].header.uname, 'u');
    assert.equal(summary.compression, 'none');
    assert.equal(summary.digest, sha(tar));
    assert.equal(summary.rawDigest, sha(tar));
    assert.equal(summary.size, tar.length);
  });

  it('reads gzip transparently and reports both digests', async () => {
    const tar = buildTar(inputs);
    const gz = zlib.gzipSync(tar);
    const { entries, summary } = await readAll(gz);
    assert.equal(entries.length, inputs.length);
    assert.equal(entries[3].header.path, paxName);
    assert.equal(summary.compression, 'gzip');
    assert.equal(summary.digest, sha(tar));
    assert.equal(summary.rawDigest, sha(gz));
    assert.equal(summary.rawSize, gz.length);
  });

  it('is deterministic, and the stream form equals the buffer form', async () => {
    const a = buildTar(inputs);
    assert.deepEqual(buildTar(inputs), a);
    const parts: Buffer[] = [];
    for await (const c of tarStream(inputs)) parts.push(c as Buffer);
    assert.deepEqual(Buffer.concat(parts), a);
  });

  it('streams bodies of declared size and refuses a wrong size', async () => {
    async function* body(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(100_000, i);
    }
    const reader = new TarReader(tarStream([{ entry: { path: 'big', type: 'file', size: 1_000_000 }, body: body() }]));
    let total = 0;
    for await (const e of reader) for await (const c of e.body) total += c.length;
    assert.equal(total, 1_000_000);
    await assert.rejects(async () => {
      for await (const _ of tarChunks([{ entry: { path: 'big', type: 'file', size: 5 }, body: body() }])) void _;
    }, /longer than its size/);
  });

  it('skips unread bodies', async () => {
    const { entries } = await readAll(buildTar(inputs));
    const reader = new TarReader(buildTar(inputs));
    const names: string[] = [];
    for await (const e of reader) names.push(e.header.path);
    assert.deepEqual(names, entries.map((e) => e.header.path));
  });

  it('honours GNU long names and links', async () => {
    const name = 'n'.repeat(300);
    const link = 'l'.repeat(200);
    const tar = Buffer.concat([
      rawHeader({ name: '././@LongLink', typeflag: 'L', size: name.length + 1 }),
      padded(name + '\0'),
      rawHeader({ name: '././@LongLink', typeflag: 'K', size: link.length }),
      padded(link),
      rawHeader({ name: name.slice(0, 100), typeflag: '2', linkname: link.slice(0, 100) }),
      Buffer.alloc(1024),
    ]);
    const { entries } = await readAll(tar);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].header.path, name);
    assert.equal(entries[0].header.linkpath, link);
    assert.equal(entries[0].header.type, 'symlink');
  });

  it('applies global PAX headers to later entries, per-entry ones win', async () => {
    const g = encodePaxRecords([['uid', '42'], ['path', 'ignored']]);
    const x = encodePaxRecords([['uid', '7'], ['SCHILY.xattr.user.a', 'b']]);
    const tar = Buffer.concat([
      rawHeader({ name: 'pax_global_header', typeflag: 'g', size: g.length }),
      padded(g),
      rawHeader({ name: 'one', size: 0 }),
      rawHeader({ name: 'PaxHeader/two', typeflag: 'x', size: x.length }),
      padded(x),
      rawHeader({ name: 'two', size: 0 }),
      Buffer.alloc(1024),
    ]);
    const { entries } = await readAll(tar);
    assert.deepEqual(entries.map((e) => [e.header.path, e.header.uid]), [['one', 42], ['two', 7]]);
    assert.deepEqual(entries[1].header.xattrs['user.a'], Buffer.from('b'));
  });

  it('reads archives made by GNU tar (gnu and pax formats) and GNU tar reads ours', async () => {
    const src = path.join(tmp, 'src');
    const deep = path.join(src, 'p'.repeat(90), 'q'.repeat(90), 'r'.repeat(120));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'f'), 'deep file');
    fs.symlinkSync('x'.repeat(180), path.join(src, 'longlink'));
    for (const format of ['gnu', 'pax']) {
      const file = path.join(tmp, `${format}.tar`);
      execFileSync('tar', ['--format', format, '-C', src, '-cf', file, '.']);
      const { entries } = await readAll(fs.createReadStream(file));
      const f = entries.find((e) => e.header.path.endsWith('/f'));
      assert.ok(f, `${format}: deep file found`);
      assert.equal(f.data.toString(), 'deep file');
      assert.equal(entries.find((e) => e.header.path === './longlink')?.header.linkpath, 'x'.repeat(180));
    }
    const ours = path.join(tmp, 'ours.tar');
    fs.writeFileSync(ours, buildTar(inputs));
    const listing = execFileSync('tar', ['-tf', ours], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listing.map((l) => l.replace(/\/$/, '')), inputs.map((i) => i.entry.path));
  });

  it('closes the source stream when the reader stops early or refuses the input', async () => {
    const file = path.join(tmp, 'close.tar');
    fs.writeFileSync(file, buildTar([{ entry: { path: 'a', type: 'file' }, body: Buffer.alloc(200_000) }, { entry: { path: 'b', type: 'file' } }]));
    for (const prepare of [(b: Buffer) => b, (b: Buffer) => zlib.gzipSync(b)]) {
      const f = path.join(tmp, 'close.bin');
      fs.writeFileSync(f, prepare(fs.readFileSync(file)));
      const stream = fs.createReadStream(f, { highWaterMark: 1024 });
      for await (const _ of new TarReader(stream)) break;
      assert.ok(stream.destroyed);
    }
    fs.writeFileSync(file, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]));
    const zst = fs.createReadStream(file);
    await assert.rejects(readAll(zst), /zstd/);
    assert.ok(zst.destroyed);
  });

  it('refuses a corrupt header checksum', async () => {
    const tar = buildTar(inputs);
    tar[0] ^= 0x01; // flip a bit in the first name
    await assert.rejects(readAll(tar), (err: unknown) => err instanceof InvalidArgumentError && /invalid tar archive: header checksum mismatch/.test(err.message));
  });

  it('names the entry when the archive is truncated', async () => {
    const tar = buildTar(inputs);
    const cut = tar.subarray(0, 512 * 2 + 10); // etc/, etc/passwd header, part of its data block
    await assert.rejects(readAll(cut), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'invalid tar archive: truncated entry etc/passwd');
    const gz = zlib.gzipSync(tar);
    await assert.rejects(readAll(gz.subarray(0, gz.length - 30)), (err: unknown) => err instanceof InvalidArgumentError && /^invalid tar archive: /.test(err.message));
  });

  it('never waits for data that does not come, even with a huge size field', async () => {
    const tar = Buffer.concat([rawHeader({ name: 'huge', size: 8 * 1024 ** 3 - 1 }), Buffer.alloc(100)]);
    await assert.rejects(readAll(tar), /truncated entry huge/);
    const bigPax = Buffer.concat([rawHeader({ name: 'x', typeflag: 'x', size: 64 * 1024 ** 2 }), Buffer.alloc(512)]);
    await assert.rejects(readAll(bigPax), /pax header of 67108864 bytes is too large/);
  });

  it('refuses zstd, xz and garbage with clear errors', async () => {
    await assert.rejects(readAll(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0])), (err: unknown) => err instanceof InvalidArgumentError && /zstd/.test(err.message));
    await assert.rejects(readAll(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1])), /xz/);
    await assert.rejects(readAll(Buffer.alloc(0)), /invalid tar archive: empty input/);
    await assert.rejects(readAll(Buffer.alloc(512, 0x41)), /invalid tar archive: not a tar header/);
  });

  it('refuses sparse files and unknown entry types', async () => {
    await assert.rejects(readAll(Buffer.concat([rawHeader({ name: 's', typeflag: 'S' }), Buffer.alloc(1024)])), /sparse file s is not supported/);
    await assert.rejects(readAll(Buffer.concat([rawHeader({ name: 'q', typeflag: 'Q' }), Buffer.alloc(1024)])), /unsupported entry type 'Q' for q/);
  });
});
