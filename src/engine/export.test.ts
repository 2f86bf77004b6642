import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractLayer } from '../archive/extract';
import { readAll } from '../archive/tar-reader';
import { tarStream } from '../archive/tar-writer';
import { makeTempDir, removeDir } from '../archive/test-helpers';
import { FailedPreconditionError } from '../errors/errors';
import { sys } from '../sys/native';
import { ENGINE_MOUNTPOINTS } from './commit';
import { treeEntries, type TreeWalkOptions } from './export';

const S_IFCHR = 0o020000;

async function entriesOf(dir: string, opts: TreeWalkOptions = {}) {
  const { entries } = await readAll(tarStream(treeEntries(dir, opts)));
  return entries.map((e) => e.header);
}

describe('treeEntries', () => {
  let tmp: string;
  before(() => {
    tmp = makeTempDir('tree-tar');
  });
  after(() => removeDir(tmp));

  it('walks a tree: directories before their content, names sorted, metadata kept', async () => {
    const root = path.join(tmp, 'plain');
    fs.mkdirSync(path.join(root, 'b', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(root, 'a'));
    fs.writeFileSync(path.join(root, 'b', 'sub', 'f'), 'hello');
    fs.chownSync(path.join(root, 'b', 'sub', 'f'), 12, 34);
    fs.chmodSync(path.join(root, 'b', 'sub', 'f'), 0o4711);
    fs.utimesSync(path.join(root, 'b', 'sub', 'f'), 5, 1234.9);
    fs.linkSync(path.join(root, 'b', 'sub', 'f'), path.join(root, 'b', 'hard'));
    fs.symlinkSync('/nowhere', path.join(root, 'a', 'link'));
    sys().mknod(path.join(root, 'fifo'), 0o010000 | 0o644, 0, 0);
    sys().mknod(path.join(root, 'null'), S_IFCHR | 0o666, 1, 3);
    const hs = await entriesOf(root);
    assert.deepEqual(hs.map((h) => `${h.type} ${h.path}`), [
      'dir a/', 'dir b/', 'fifo fifo', 'char null', 'symlink a/link', 'file b/hard', 'dir b/sub/', 'hardlink b/sub/f',
    ]);
    const f = hs.find((h) => h.path === 'b/hard')!;
    assert.deepEqual([f.mode, f.uid, f.gid, f.mtime, f.size], [0o4711, 12, 34, 1234, 5]);
    assert.equal(hs.find((h) => h.path === 'b/sub/f')!.linkpath, 'b/hard');
    assert.equal(hs.find((h) => h.path === 'a/link')!.linkpath, '/nowhere');
    const dev = hs.find((h) => h.path === 'null')!;
    assert.deepEqual([dev.devmajor, dev.devminor], [1, 3]);
  });

  it('turns an overlay upper dir into an OCI layer: whiteouts, opaque dirs, engine mountpoints left out', async () => {
    const upper = path.join(tmp, 'upper');
    fs.mkdirSync(path.join(upper, 'etc'), { recursive: true });
    fs.mkdirSync(path.join(upper, 'opaque'));
    fs.writeFileSync(path.join(upper, 'opaque', 'new'), 'n');
    sys().lsetxattr(path.join(upper, 'opaque'), 'trusted.overlay.opaque', Buffer.from('y'));
    sys().mknod(path.join(upper, 'etc', 'deleted.conf'), S_IFCHR, 0, 0);
    for (const f of ['hosts', 'hostname', 'resolv.conf']) fs.writeFileSync(path.join(upper, 'etc', f), '');
    fs.writeFileSync(path.join(upper, 'etc', 'kept'), 'k');
    const hs = await entriesOf(upper, { overlayUpper: true, exclude: ENGINE_MOUNTPOINTS });
    assert.deepEqual(hs.map((h) => `${h.type} ${h.path}`), [
      'dir etc/', 'dir opaque/', 'file opaque/.wh..wh..opq', 'file etc/.wh.deleted.conf', 'file etc/kept', 'file opaque/new',
    ]);
    assert.ok(hs.every((h) => !Object.keys(h.xattrs).some((k) => k.startsWith('trusted.overlay.'))), 'overlay xattrs leaked');

    // the extractor turns it back into the same overlay form
    const back = path.join(tmp, 'back');
    fs.mkdirSync(back);
    await extractLayer(tarStream(treeEntries(upper, { overlayUpper: true, exclude: ENGINE_MOUNTPOINTS })), back);
    const wh = fs.lstatSync(path.join(back, 'etc', 'deleted.conf'));
    assert.ok(wh.isCharacterDevice() && wh.rdev === 0);
    assert.equal(sys().lgetxattr(path.join(back, 'opaque'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(fs.existsSync(path.join(back, 'etc', 'hosts')), false);
  });

  it('refuses an upper dir that relies on overlay redirects', async () => {
    const upper = path.join(tmp, 'redirect');
    fs.mkdirSync(path.join(upper, 'moved'), { recursive: true });
    sys().lsetxattr(path.join(upper, 'moved'), 'trusted.overlay.redirect', Buffer.from('/orig'));
    await assert.rejects(entriesOf(upper, { overlayUpper: true }), FailedPreconditionError);
  });

  it('streams exactly the size it announced when a file shrinks while read', async () => {
    const root = path.join(tmp, 'shrink');
    fs.mkdirSync(root);
    const file = path.join(root, 'grows-and-shrinks');
    fs.writeFileSync(file, Buffer.alloc(300_000, 1));
    const gen = treeEntries(root);
    const first = await gen.next();
    assert.ok(!first.done);
    fs.truncateSync(file, 10); // after the header was decided
    const chunks: Buffer[] = [];
    for await (const c of first.value.body as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    assert.equal(body.length, 300_000);
    assert.equal(body.subarray(10).every((b) => b === 0), true);
  });
});
