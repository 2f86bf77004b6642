import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { InvalidArgumentError } from '../errors/errors';
import { sys } from '../sys/native';
import { extractLayer } from './extract';
import { buildTar, type TarInput } from './tar-writer';
import { makeTempDir, removeDir, snapshot } from './test-helpers';

/** Everything observable about the canary dir: names, types, modes, times, sizes, link counts, contents. */
function canaryState(dir: string): string {
  const lines: string[] = [];
  const walk = (p: string) => {
    const st = fs.lstatSync(p);
    lines.push(`${path.relative(dir, p)} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${st.size} ${st.nlink} ${sys().llistxattr(p).join(',')}`);
    if (st.isFile()) lines.push(createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
    if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n));
  };
  walk(dir);
  return lines.join('\n');
}

describe('extractLayer', () => {
  let tmp: string;
  let target: string;
  let canary: string;
  let before_: string;

  before(() => {
    tmp = makeTempDir('extract');
  });
  after(() => removeDir(tmp));

  beforeEach(() => {
    const run = fs.mkdtempSync(path.join(tmp, 'case-'));
    target = path.join(run, 'target');
    canary = path.join(run, 'canary');
    fs.mkdirSync(target);
    fs.mkdirSync(canary);
    fs.writeFileSync(path.join(canary, 'secret'), 'do not touch');
    fs.mkdirSync(path.join(canary, 'sub'));
    before_ = canaryState(canary);
  });
  afterEach(() => {
    assert.equal(canaryState(canary), before_, 'the canary outside the target is untouched');
  });

  const extract = (inputs: TarInput[] | Buffer) => extractLayer(Buffer.isBuffer(inputs) ? inputs : buildTar(inputs), target);
  const isInvalid = (re: RegExp) => (err: unknown) => err instanceof InvalidArgumentError && re.test(err.message);

  it('unpacks files, dirs, links and metadata and reports the diffID', async () => {
    const tar = buildTar([
      { entry: { path: './', type: 'dir', mode: 0o755, mtime: 1000 } },
      { entry: { path: 'etc/', type: 'dir', mode: 0o750, uid: 5, gid: 6, mtime: 2000 } },
      { entry: { path: 'etc/passwd', type: 'file', mode: 0o640, uid: 7, gid: 8, mtime: 3000 }, body: 'root\n' },
      { entry: { path: 'etc/hard', type: 'hardlink', linkpath: 'etc/passwd' } },
      { entry: { path: 'bin/su', type: 'file', mode: 0o4755, uid: 0, gid: 0, mtime: 4000 }, body: 'su' },
      { entry: { path: 'bin/sh', type: 'symlink', linkpath: '/bin/busybox', mtime: 5000 } },
      { entry: { path: 'run/pipe', type: 'fifo', mode: 0o620 } },
      { entry: { path: 'x', type: 'file', xattrs: { 'user.note': 'hi' } }, body: '' },
    ]);
    const res = await extractLayer(zlib.gzipSync(tar), target);
    assert.equal(res.digest, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    assert.equal(res.compression, 'gzip');
    assert.equal(res.entries, 8);
    assert.equal(res.contentSize, 7);
    const st = fs.statSync(path.join(target, 'etc/passwd'));
    assert.equal(st.mode & 0o7777, 0o640);
    assert.equal(st.uid, 7);
    assert.equal(st.gid, 8);
    assert.equal(st.mtimeMs, 3000_000);
    assert.equal(st.nlink, 2);
    assert.equal(fs.statSync(path.join(target, 'etc')).mtimeMs, 2000_000, 'directory times are set after their contents');
    assert.equal(fs.statSync(path.join(target, 'etc')).mode & 0o7777, 0o750);
    assert.equal(fs.statSync(path.join(target, 'bin/su')).mode & 0o7777, 0o4755, 'setuid survives chown');
    assert.equal(fs.readlinkSync(path.join(target, 'bin/sh')), '/bin/busybox');
    assert.equal(fs.lstatSync(path.join(target, 'bin/sh')).mtimeMs, 5000_000);
    assert.ok(fs.lstatSync(path.join(target, 'run/pipe')).isFIFO());
    assert.deepEqual(sys().lgetxattr(path.join(target, 'x'), 'user.note'), Buffer.from('hi'));
    assert.equal(fs.statSync(target).mtimeMs, 1000_000, 'the ./ entry sets the root metadata');
  });

  it('converts OCI whiteouts to overlayfs form', async () => {
    await extract([
      { entry: { path: 'gone/.wh.file', type: 'file' } },
      { entry: { path: 'opaque/', type: 'dir' } },
      { entry: { path: 'opaque/.wh..wh..opq', type: 'file' } },
      { entry: { path: '.wh..wh.plnk', type: 'dir' } },
    ]);
    const wh = fs.lstatSync(path.join(target, 'gone/file'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.deepEqual(sys().lgetxattr(path.join(target, 'opaque'), 'trusted.overlay.opaque'), Buffer.from('y'));
    assert.deepEqual(snapshot(target), ['gone dir', 'gone/file other', 'opaque dir']);
  });

  it('lets later entries replace earlier ones, as docker does', async () => {
    await extract([
      { entry: { path: 'a', type: 'file' }, body: 'file' },
      { entry: { path: 'a/', type: 'dir' } },
      { entry: { path: 'a/inner', type: 'file' }, body: 'x' },
      { entry: { path: 'b/', type: 'dir' } },
      { entry: { path: 'b/inner', type: 'file' }, body: 'x' },
      { entry: { path: 'b', type: 'symlink', linkpath: 'a' } },
      { entry: { path: 'c/', type: 'dir', mode: 0o700 } },
      { entry: { path: 'c/keep', type: 'file' }, body: 'k' },
      { entry: { path: 'c/', type: 'dir', mode: 0o755 } },
    ]);
    assert.deepEqual(snapshot(target), ['a dir', 'a/inner file:1', 'b symlink->a', 'c dir', 'c/keep file:1']);
    assert.equal(fs.statSync(path.join(target, 'c')).mode & 0o777, 0o755);
  });

  it('refuses ../ paths that climb out of the root', async () => {
    await assert.rejects(extract([{ entry: { path: '../../escape', type: 'file' }, body: 'x' }]), isInvalid(/escapes the layer root/));
    await assert.rejects(extract([{ entry: { path: 'a/../../escape', type: 'file' }, body: 'x' }]), isInvalid(/escapes the layer root/));
    await assert.rejects(extract([{ entry: { path: `../${path.basename(canary)}/secret`, type: 'file' }, body: 'x' }]), isInvalid(/escapes/));
    assert.ok(!fs.existsSync(path.join(path.dirname(path.dirname(target)), 'escape')));
  });

  it('keeps absolute paths inside the root', async () => {
    await extract([
      { entry: { path: '/etc/mydocker-test-x', type: 'file' }, body: 'x' },
      { entry: { path: `${canary}/secret`, type: 'file' }, body: 'owned' },
    ]);
    assert.ok(!fs.existsSync('/etc/mydocker-test-x'));
    assert.equal(fs.readFileSync(path.join(target, 'etc/mydocker-test-x'), 'utf8'), 'x');
    assert.equal(fs.readFileSync(path.join(target, canary, 'secret'), 'utf8'), 'owned');
  });

  it('resolves a symlink to the outside inside the root: evil -> canary, then evil/owned', async () => {
    await extract([
      { entry: { path: 'evil', type: 'symlink', linkpath: canary } },
      { entry: { path: 'evil/owned', type: 'file' }, body: 'x' },
      { entry: { path: 'evil/sub/', type: 'dir', mode: 0o777 } },
      { entry: { path: 'evil/.wh..wh..opq', type: 'file' } },
      { entry: { path: 'evil/.wh.secret', type: 'file' } },
      { entry: { path: 'rel', type: 'symlink', linkpath: `../../../../../../..${canary}` } },
      { entry: { path: 'rel/owned2', type: 'file' }, body: 'x' },
    ]);
    assert.equal(fs.readlinkSync(path.join(target, 'evil')), canary, 'the symlink itself is kept');
    assert.ok(fs.existsSync(path.join(target, canary, 'owned')));
    assert.ok(fs.existsSync(path.join(target, canary, 'owned2')));
    assert.ok(fs.lstatSync(path.join(target, canary, 'secret')).isCharacterDevice());
  });

  it('contains a chain of .. symlinks', async () => {
    await extract([
      { entry: { path: 'a', type: 'symlink', linkpath: '..' } },
      { entry: { path: 'b', type: 'symlink', linkpath: 'a/a/a/../..' } },
      { entry: { path: 'c', type: 'symlink', linkpath: '/../../b/a' } },
      { entry: { path: 'a/owned', type: 'file' }, body: '1' },
      { entry: { path: 'b/a/a/owned2', type: 'file' }, body: '2' },
      { entry: { path: 'c/c/c/owned3', type: 'file' }, body: '3' },
    ]);
    assert.deepEqual(snapshot(target), ['a symlink->..', 'b symlink->a/a/a/../..', 'c symlink->/../../b/a', 'owned file:1', 'owned2 file:1', 'owned3 file:1']);
  });

  it('refuses symlink loops', async () => {
    await assert.rejects(
      extract([
        { entry: { path: 'l1', type: 'symlink', linkpath: 'l2' } },
        { entry: { path: 'l2', type: 'symlink', linkpath: 'l1' } },
        { entry: { path: 'l1/x', type: 'file' } },
      ]),
      isInvalid(/too many levels of symbolic links/),
    );
  });

  it('replaces a symlink instead of writing through it', async () => {
    await extract([
      { entry: { path: 'f', type: 'symlink', linkpath: path.join(canary, 'secret') } },
      { entry: { path: 'f', type: 'file' }, body: 'owned' },
      { entry: { path: 'd', type: 'symlink', linkpath: canary } },
      { entry: { path: 'd/', type: 'dir', mode: 0o777, mtime: 1 } },
      { entry: { path: 'p', type: 'symlink', linkpath: path.join(canary, 'sub') } },
      { entry: { path: 'p', type: 'fifo' } },
    ]);
    assert.equal(fs.readFileSync(path.join(target, 'f'), 'utf8'), 'owned');
    assert.ok(fs.lstatSync(path.join(target, 'd')).isDirectory());
    assert.ok(fs.lstatSync(path.join(target, 'p')).isFIFO());
  });

  it('refuses hardlinks to files that are not in the layer or outside it', async () => {
    await assert.rejects(extract([{ entry: { path: 'pw', type: 'hardlink', linkpath: '/etc/passwd' } }]), isInvalid(/points at \/etc\/passwd, which is not in the layer/));
    await assert.rejects(extract([{ entry: { path: 'o', type: 'hardlink', linkpath: '../outside' } }]), isInvalid(/escapes the layer root/));
    await assert.rejects(extract([{ entry: { path: 'o', type: 'hardlink', linkpath: `../${path.basename(canary)}/secret` } }]), isInvalid(/escapes/));
    await assert.rejects(
      extract([
        { entry: { path: 'evil', type: 'symlink', linkpath: canary } },
        { entry: { path: 'h', type: 'hardlink', linkpath: 'evil/secret' } },
      ]),
      isInvalid(/not in the layer/),
    );
  });

  it('links a symlink as itself, never its outside target', async () => {
    await extract([
      { entry: { path: 'l', type: 'symlink', linkpath: path.join(canary, 'secret') } },
      { entry: { path: 'h', type: 'hardlink', linkpath: 'l' } },
    ]);
    const st = fs.lstatSync(path.join(target, 'h'));
    assert.ok(st.isSymbolicLink());
    assert.equal(st.nlink, 2);
  });

  it('contains whiteouts with tricky names', async () => {
    await extract([{ entry: { path: '.wh.../../x', type: 'file' }, body: 'plain' }]);
    assert.deepEqual(snapshot(target), ['x file:5']);
    await assert.rejects(extract([{ entry: { path: 'sub/.wh..', type: 'file' } }]), isInvalid(/bad whiteout/));
    await assert.rejects(extract([{ entry: { path: 'sub/.wh.', type: 'file' } }]), isInvalid(/bad whiteout/));
    await assert.rejects(extract([{ entry: { path: '../.wh.secret', type: 'file' } }]), isInvalid(/escapes/));
  });

  it('skips char and block devices other than the 0:0 whiteout', async () => {
    const res = await extract([
      { entry: { path: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 } },
      { entry: { path: 'dev/mem', type: 'char', devmajor: 1, devminor: 1 } },
      { entry: { path: 'dev/wh', type: 'char', devmajor: 0, devminor: 0 } },
    ]);
    assert.deepEqual(res.skipped, ['dev/sda', 'dev/mem']);
    assert.deepEqual(snapshot(target), ['dev dir', 'dev/wh other']);
  });

  it('ignores trusted.overlay xattrs carried by the archive', async () => {
    await extract([{ entry: { path: 'd/', type: 'dir', xattrs: { 'trusted.overlay.redirect': '/etc', 'user.ok': '1' } } }]);
    assert.equal(sys().lgetxattr(path.join(target, 'd'), 'trusted.overlay.redirect'), null);
    assert.deepEqual(sys().lgetxattr(path.join(target, 'd'), 'user.ok'), Buffer.from('1'));
  });

  it('fails clearly on a truncated archive and a corrupt checksum', async () => {
    const tar = buildTar([
      { entry: { path: 'etc/', type: 'dir' } },
      { entry: { path: 'etc/passwd', type: 'file' }, body: Buffer.alloc(2000, 1) },
    ]);
    await assert.rejects(extract(tar.subarray(0, 512 * 3)), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'invalid tar archive: truncated entry etc/passwd');
    const bad = Buffer.from(tar);
    bad[512 + 3] ^= 0x20;
    await assert.rejects(extract(bad), isInvalid(/checksum mismatch/));
  });

  it('produces whiteouts and opaque dirs that overlayfs honours', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async () => {
    const base = path.dirname(target);
    const lower = path.join(base, 'lower');
    const upper = path.join(base, 'upper');
    const merged = path.join(base, 'merged');
    for (const d of [lower, upper, merged, path.join(base, 'work')]) fs.mkdirSync(d);
    await extractLayer(buildTar([
      { entry: { path: 'keep', type: 'file' }, body: 'k' },
      { entry: { path: 'gone', type: 'file' }, body: 'g' },
      { entry: { path: 'dir/', type: 'dir' } },
      { entry: { path: 'dir/old', type: 'file' }, body: 'o' },
    ]), lower);
    await extractLayer(buildTar([
      { entry: { path: '.wh.gone', type: 'file' } },
      { entry: { path: 'dir/', type: 'dir' } },
      { entry: { path: 'dir/.wh..wh..opq', type: 'file' } },
      { entry: { path: 'dir/new', type: 'file' }, body: 'n' },
    ]), upper);
    sys().mount('overlay', merged, 'overlay', 1 /* MS_RDONLY */, `lowerdir=${upper}:${lower}`);
    try {
      assert.deepEqual(snapshot(merged), ['dir dir', 'dir/new file:1', 'keep file:1']);
    } finally {
      sys().umount2(merged, 2 /* MNT_DETACH */);
    }
  });

  it('fails only with clear errors on randomly damaged archives (deterministic fuzz)', async () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const good = buildTar([
      { entry: { path: 'etc/', type: 'dir' } },
      { entry: { path: 'etc/passwd', type: 'file' }, body: 'root:x:0:0\n' },
      { entry: { path: `${'a'.repeat(120)}/${'b'.repeat(120)}`, type: 'file', xattrs: { 'user.x': 'y' } }, body: Buffer.alloc(700, 1) },
      { entry: { path: 'l', type: 'symlink', linkpath: canary } },
      { entry: { path: 'l/h', type: 'hardlink', linkpath: 'etc/passwd' } },
      { entry: { path: 'd/.wh..wh..opq', type: 'file' } },
    ]);
    for (let i = 0; i < 300; i++) {
      let b = Buffer.from(good);
      for (let j = 1 + Math.floor(rnd() * 6); j > 0; j--) {
        const pos = Math.floor(rnd() * b.length);
        if (rnd() < 0.8) b[pos] = Math.floor(rnd() * 256);
        else b = b.subarray(0, pos);
      }
      // Re-sign headers most of the time, so the damage reaches past the checksum check.
      for (let off = 0; rnd() < 0.7 && off + 512 <= b.length; off += 512) {
        const blk = b.subarray(off, off + 512);
        if (!/^[0-7]{6}\0 $/.test(blk.subarray(148, 156).toString('latin1'))) continue;
        let sum = 0;
        for (let k = 0; k < 512; k++) sum += k >= 148 && k < 156 ? 32 : blk[k];
        blk.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
      }
      const dir = fs.mkdtempSync(path.join(path.dirname(target), 'fuzz-'));
      try {
        await extractLayer(rnd() < 0.3 ? zlib.gzipSync(b) : b, dir);
      } catch (err) {
        assert.ok(err instanceof InvalidArgumentError, `case ${i}: ${String(err)}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('refuses a non-directory entry for the root itself', async () => {
    await assert.rejects(extract([{ entry: { path: './', type: 'symlink', linkpath: canary } }]), isInvalid(/would replace the layer root/));
  });
});
